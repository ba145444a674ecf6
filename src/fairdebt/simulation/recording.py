"""The collection loop of a database run: the gate reads the ledger, and every day is recorded.

In a database simulation (the demo, ``fairdebt simulate``) the loop's facts and outcomes are
ledger rows, not memory: :class:`DatabaseFacts` answers the gate from ``contact_event``, holds,
preferences and consents through :func:`fairdebt.contacts.gate_facts` (the same function a
dialer's check uses), and :class:`DatabaseSink` writes each day through the verbs: the plan
allocated to collectors (``record_plan``), the contacts with their rendered messages
(``record_contacts``), the promises made in conversations (``record_promises``), the
complaints (``file_complaint``) and, through :mod:`fairdebt.simulation.processes`, the
placements with the agency, their recalls and the complaints' resolution.
:func:`staff_collectors` registers the simulated lender's collectors and agency staff, sized
by the catalogue's staffing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from fairdebt.collectors import CollectorIn, add_collectors, read_collectors
from fairdebt.complaints import file_complaint
from fairdebt.contacts import GateTables, gate_facts, record_contacts
from fairdebt.decisions import mark_done, record_plan
from fairdebt.ledger.promises import PromiseIn, record_promises
from fairdebt.simulation.collections import as_history
from fairdebt.simulation.population import Population
from fairdebt.strategy.allocation import allocate
from fairdebt.strategy.catalogue import Catalogue

if TYPE_CHECKING:
    from fairdebt.simulation.database import DatabaseLedger
    from fairdebt.simulation.processes import LenderProcesses

__all__ = ["DatabaseFacts", "DatabaseSink", "staff_collectors"]


def _evening(on: dt.date) -> dt.datetime:
    """20:00 Beijing time: when the simulated day's records are written."""
    return dt.datetime.combine(on, dt.time(20), tzinfo=dt.timezone(dt.timedelta(hours=8)))


IntArray = NDArray[np.int64]
ACTOR = "simulator"
_AGENT_NAMES = (
    "李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽",
    "周杰", "吴敏", "徐强", "孙颖", "马超", "朱琳", "胡军", "郭婷",
)  # fmt: skip
# Stages each human pool's people are trained for.
_SKILLS = {
    "agent_call": ("early", "mid", "late"),
    "field_visit": ("mid", "late"),
    "agency_call": ("late",),
}
_MESSAGE_CHANNELS = ("sms", "app_push", "email", "letter")
# Messages whose rendered text is kept on the contact event; an app push keeps its template id
# (pushes are most of the volume, and their text is the template's with the loan's facts).
_KEPT_TEXT = ("sms", "email", "letter")


def staff_collectors(
    session: Session,
    *,
    staffing: dict[str, tuple[int, int]],
    lender: str,
    at: dt.datetime,
) -> list[int]:
    """Register the simulated collectors: ``staffing`` maps a pool to (people, cases each)."""
    people: list[CollectorIn] = []
    for pool, (count, cases) in sorted(staffing.items()):
        agency = f"{lender}-agency" if pool.startswith("agency") else None
        for k in range(count):
            name = _AGENT_NAMES[(len(people)) % len(_AGENT_NAMES)]
            people.append(
                CollectorIn(
                    code=f"{pool.upper()}-{k + 1:03d}",
                    name=name,
                    team=f"{pool}-{'agency' if agency else 'in-house'}",
                    pool=pool,
                    skills=_SKILLS.get(pool, ("early", "mid", "late")),
                    shift_start=dt.time(9),
                    shift_end=dt.time(21) if pool != "field_visit" else dt.time(18),
                    daily_capacity=cases,
                    agency=agency,
                )
            )
    return add_collectors(session, collectors=people, actor=ACTOR, at=at)


class DatabaseFacts:
    """The gate's facts for mirror borrowers, read from the database run's ledger."""

    def __init__(self, ledger: DatabaseLedger) -> None:
        self.ledger = ledger
        self.at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        self._ids = np.zeros(0, dtype=np.int64)
        self._tables: GateTables | None = None
        self._made: list[pd.DataFrame] = []

    def start_day(self, on: dt.date) -> None:
        """Read facts as of the end of ``on``: the gate counts only events before each attempt."""
        self.at = dt.datetime.combine(on + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
        self._tables = None
        self._made = []

    def _read(self, borrower_ids: np.ndarray) -> GateTables:
        ids = np.unique(self.ledger.borrower_id[np.asarray(borrower_ids, dtype=np.int64)])
        if self._tables is None or not np.isin(ids, self._ids).all():
            self._tables = gate_facts(self.ledger.session_now(), ids.tolist(), at=self.at)
            self._ids = ids
            self._made = []
        return self._tables

    def add(self, contacts: pd.DataFrame) -> None:
        """The sink recorded these contacts: count them with the facts already read today.

        The same rows a new read of the ledger would return (the sink wrote exactly these), so
        a retry's gate check sees them without another round trip.
        """
        if self._tables is not None and not contacts.empty:
            self._made.append(contacts)

    def _to_mirror(self, frame: pd.DataFrame) -> pd.DataFrame:
        db = self.ledger.borrower_id
        order = np.argsort(db)
        position = np.searchsorted(db, frame["debtor_id"].to_numpy(np.int64), sorter=order)
        out = frame.copy()
        out["debtor_id"] = order[position]
        return out

    def history(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        tables = self._read(borrower_ids)
        wanted = self.ledger.borrower_id[np.asarray(borrower_ids, dtype=np.int64)]
        rows = self._to_mirror(
            tables.history[np.isin(tables.history["debtor_id"].to_numpy(np.int64), wanted)]
        )
        if not self._made:
            return rows
        made = as_history(pd.concat(self._made, ignore_index=True))
        made = made[np.isin(made["debtor_id"].to_numpy(np.int64), borrower_ids)]
        return pd.concat([rows, made.assign(direction="outbound", debt_id=None)], ignore_index=True)

    def debtors(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        tables = self._read(borrower_ids)
        wanted = self.ledger.borrower_id[np.asarray(borrower_ids, dtype=np.int64)]
        rows = tables.debtors[np.isin(tables.debtors["debtor_id"].to_numpy(np.int64), wanted)]
        return self._to_mirror(rows)


class DatabaseSink:
    """Writes each simulated day's plan, contacts, promises and complaints through the verbs."""

    def __init__(
        self,
        ledger: DatabaseLedger,
        *,
        catalogue: Catalogue,
        population: Population,
        start_on: dt.date,
        processes: LenderProcesses | None = None,
    ) -> None:
        self.ledger = ledger
        self.processes = processes
        self.catalogue = catalogue
        self.population = population
        self.start_on = start_on
        self.collectors: pd.DataFrame | None = None
        self.counts = {"decisions": 0, "contacts": 0, "promises": 0, "complaints": 0}
        self.rows = pd.DataFrame()
        self.ids = np.zeros(0, dtype=np.int64)

    def roster(self, session: Session) -> pd.DataFrame:
        if self.collectors is None:
            self.collectors = read_collectors(session)
        return self.collectors

    def start_day(self, day: int) -> None:
        """The lender's morning work before planning (evaluations, complaints resolved)."""
        if self.processes is not None:
            self.processes.start_day(day)

    def record_recalls(self, day: int, loans: IntArray) -> None:
        """Recall from the agency the placed loans (mirror indices) that left collections."""
        if self.processes is not None and loans.size:
            self.processes.recall(day, self.ledger.loan_id[loans].tolist())

    def record_plan(self, day: int, plan: pd.DataFrame) -> None:
        """Allocate the day's plan to collectors and record it; keep the decision ids."""
        session = self.ledger.session_now()
        on = self.start_on + dt.timedelta(days=day)
        rows = allocate(plan, self.roster(session), self.catalogue)
        rows["loan_id"] = self.ledger.loan_id[rows["loan_id"].to_numpy(np.int64)]
        rows["borrower_id"] = self.ledger.borrower_id[rows["borrower_id"].to_numpy(np.int64)]
        rows["business_date"] = on
        for column in ("collector_id", "queue_position"):
            rows[column] = rows[column].astype(object).where(rows[column].notna(), None)
        self.rows = rows
        self.ids = np.asarray(
            record_plan(session, plan=rows, actor=ACTOR, at=_evening(on)), dtype=np.int64
        )
        self.counts["decisions"] += len(self.ids)

    def record_contacts(self, day: int, contacts: pd.DataFrame) -> None:
        """Record a round of contacts, the promises and complaints they led to; close decisions."""
        if contacts.empty:
            return
        session = self.ledger.session_now()
        on = self.start_on + dt.timedelta(days=day)
        at = _evening(on)
        events = self._events(contacts, self.rows, self.ids, on)
        contact_ids = record_contacts(session, contacts=events, actor=ACTOR, at=at)
        self.counts["contacts"] += len(contact_ids)
        self._promises(session, contacts, events, contact_ids, on, at)
        self._complaints(session, contacts, events, contact_ids, at)
        if self.processes is not None:
            placed = contacts["channel"].to_numpy() == "placement"
            self.processes.place(day, events["loan_id"].to_numpy()[placed].astype(int).tolist())
        done = self.ids[np.unique(contacts["decision"].to_numpy(np.int64))]
        mark_done(session, decision_ids=done.tolist(), status="done", actor=ACTOR, at=at)

    def _events(
        self, frame: pd.DataFrame, rows: pd.DataFrame, ids: IntArray, on: dt.date
    ) -> pd.DataFrame:
        decision = frame["decision"].to_numpy(np.int64)
        mode = frame["mode"].to_numpy()
        channel = frame["channel"].to_numpy()
        by = frame["by"].to_numpy()
        agency = pd.Series(by).str.startswith("agency").to_numpy()
        actor_kind = np.where(
            agency,
            "agency",
            np.where(
                mode == "robot",
                np.where(np.isin(channel, _MESSAGE_CHANNELS), "system", "robot"),
                "collector",
            ),
        )
        template = rows["template"].to_numpy()[decision]
        events = pd.DataFrame(
            {
                "borrower_id": rows["borrower_id"].to_numpy()[decision],
                "loan_id": rows["loan_id"].to_numpy()[decision],
                "at": frame["at"],
                "direction": "outbound",
                "channel": channel,
                "mode": mode,
                "recipient": "debtor",
                "address": frame["address"].to_numpy(),
                "outcome": frame["outcome"].to_numpy(),
                "by": by,
                "purpose": "collection",
                "text": self._texts(frame, template, on),
                "actor_kind": actor_kind,
                "collector_id": rows["collector_id"].to_numpy()[decision],
                "decision_id": ids[decision],
                "action": frame["action"].to_numpy(),
                "template": np.where(
                    pd.notna(template),
                    frame["action"].to_numpy() + "." + template.astype(str),
                    None,
                ),
                "gate_allowed": True,
                "gate_rule": None,
                "right_party": frame["right_party"].to_numpy(),
                "result": frame["result"].to_numpy(),
            }
        )
        # Placements hand the account over: the agency, not the borrower, receives them.
        events.loc[channel == "placement", "recipient"] = "third_party"
        return events

    def _texts(self, frame: pd.DataFrame, template: np.ndarray, on: dt.date) -> np.ndarray:
        """The rendered message of each text, e-mail and letter (others keep a template id)."""
        out = np.full(len(frame), None, dtype=object)
        messages = np.flatnonzero(np.isin(frame["channel"].to_numpy(), _KEPT_TEXT))
        names = self.population.name
        borrower = frame["borrower"].to_numpy(np.int64)
        for k in messages.tolist():  # a day's messages: hundreds, each one string format
            kind = template[k]
            if kind is None:
                continue
            dpd = int(frame["dpd"].iat[k])
            out[k] = self.catalogue.render(
                str(frame["action"].iat[k]),
                str(kind),
                "zh-CN",
                {
                    "name": str(names[borrower[k]]),
                    "agent": _AGENT_NAMES[int(borrower[k]) % len(_AGENT_NAMES)],
                    "amount": f"{float(frame['amount_due'].iat[k]):,.2f}",
                    "due_on": (on - dt.timedelta(days=dpd)).isoformat() if dpd <= 0 else "",
                    "days": str(max(dpd, 0)),
                },
                tip=int(borrower[k]),
            )
        return out

    def _promises(
        self,
        session: Session,
        frame: pd.DataFrame,
        events: pd.DataFrame,
        contact_ids: list[int],
        on: dt.date,
        at: dt.datetime,
    ) -> None:
        made = np.flatnonzero(frame["promise_due"].to_numpy() >= 0)
        if len(made) == 0:
            return
        start = self.start_on
        promises = [
            PromiseIn(
                loan_id=int(events["loan_id"].iat[k]),
                amount=Decimal(f"{float(frame['promise_amount'].iat[k]):.2f}"),
                promised_on=on,
                due_on=start + dt.timedelta(days=int(frame["promise_due"].iat[k])),
                contact_event_id=contact_ids[k],
            )
            for k in made.tolist()
        ]
        self.counts["promises"] += len(
            record_promises(session, promises=promises, actor=ACTOR, at=at)
        )

    def _complaints(
        self,
        session: Session,
        frame: pd.DataFrame,
        events: pd.DataFrame,
        contact_ids: list[int],
        at: dt.datetime,
    ) -> None:
        for k in np.flatnonzero(frame["complaint"].to_numpy(dtype=bool)).tolist():
            wrong = frame["right_party"].iat[k] is False
            category = "wrong_party_contact" if wrong else "excessive_contact"
            file_complaint(
                session,
                borrower_id=int(events["borrower_id"].iat[k]),
                loan_id=int(events["loan_id"].iat[k]),
                received_at=at,
                channel="hotline",
                category=category,
                description=(
                    "接到催收联系后投诉：联系过于频繁或打扰他人 / complained after a collection "
                    f"contact ({frame['action'].iat[k]}, {category})"
                ),
                actor=ACTOR,
                contact_event_id=contact_ids[k],
            )
            self.counts["complaints"] += 1
