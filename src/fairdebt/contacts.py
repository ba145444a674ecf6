"""Contact events: every attempt to reach a borrower and every contact they make, as it happened.

The contact gate reads these rows to count attempts per day and week, so an event is recorded
for every attempt made, answered or not (a planned contact the gate refused is a decision, not
an event). :func:`gate_facts` is the one place that builds the gate's case from the database:
the history across all actors, holds, contact preferences, consents and the time zone. An
event names its channel, the recipient (the debtor, a
spouse, an emergency contact...), the address used and who made it (the lender or an agency).
When the address is one of the borrower's contact methods the event is linked to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.compliance.attempts import Consent, ContactRecord, Debtor, TimeRange
from fairdebt.db import driver_values, insert_returning_ids, select_by_keys, stored_instants
from fairdebt.errors import InputError, UnknownRecord
from fairdebt.models import Borrower, ContactEvent, ContactMethod, Loan

__all__ = [
    "ACTOR_KINDS",
    "CONTACT_COLUMNS",
    "DIRECTIONS",
    "PROMISE_GRACE_DAYS",
    "RESULTS",
    "GateTables",
    "LedgerFacts",
    "gate_case",
    "gate_facts",
    "mark_refused",
    "record_contact_event",
    "record_contacts",
]

DIRECTIONS = ("outbound", "inbound")
# A live promise to pay stops collection contact until its due date plus these days, so that a
# payment in transit is not chased (docs/decisions/complaints.md).
PROMISE_GRACE_DAYS = 2


def record_contact_event(
    session: Session,
    *,
    borrower_id: int,
    at: dt.datetime,
    direction: str,
    channel: str,
    recipient: str,
    outcome: str,
    mode: str = "agent",
    by: str = "lender",
    loan_id: int | None = None,
    address: str | None = None,
    purpose: str | None = None,
    text: str | None = None,
    actor: str,
) -> ContactEvent:
    """Record one contact event at the aware instant ``at`` (also the audit time)."""
    record = f"contact event for borrower {borrower_id}"
    if at.tzinfo is None:
        raise InputError("must be an aware datetime", record=record, field="at")
    if direction not in DIRECTIONS:
        raise InputError(
            f"must be outbound or inbound (got {direction!r})", record=record, field="direction"
        )
    if session.get(Borrower, borrower_id) is None:
        raise UnknownRecord(f"no borrower has id {borrower_id}", record=record, field="borrower_id")
    if loan_id is not None:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.borrower_id != borrower_id:
            raise UnknownRecord(
                f"borrower {borrower_id} has no loan {loan_id}", record=record, field="loan_id"
            )
    method_id = None
    if address is not None:
        method_id = session.scalar(
            select(ContactMethod.id).where(
                ContactMethod.borrower_id == borrower_id, ContactMethod.value == address
            )
        )
    event = ContactEvent(
        borrower_id=borrower_id,
        loan_id=loan_id,
        contact_method_id=method_id,
        at=at,
        direction=direction,
        channel=channel,
        mode=mode,
        recipient=recipient,
        address=address,
        outcome=outcome,
        by=by,
        purpose=purpose,
        text=text,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        action="contact.recorded",
        entity="contact_event",
        entity_id=event.id,
        actor=actor,
        at=at,
        data={
            "borrower_id": borrower_id,
            "loan_id": loan_id,
            "direction": direction,
            "channel": channel,
            "recipient": recipient,
            "outcome": outcome,
            "by": by,
        },
    )
    return event


def mark_refused(
    session: Session, *, contact_method_id: int, at: dt.datetime, actor: str
) -> ContactMethod:
    """The person at this address asked for no more contact; the gate stops using it."""
    method = session.get(ContactMethod, contact_method_id)
    if method is None:
        raise UnknownRecord(
            f"no contact method has id {contact_method_id}",
            record=f"contact method {contact_method_id}",
            field="contact_method_id",
        )
    method.refused_contact_at = at
    session.flush()
    audit.record(
        session,
        action="contact.refused",
        entity="contact_method",
        entity_id=method.id,
        actor=actor,
        at=at,
        data={"borrower_id": method.borrower_id, "owner": method.owner, "kind": method.kind},
    )
    return method


# -- many contacts at once (dialers, gateways, the simulator) -------------------------------

CONTACT_COLUMNS = (
    "borrower_id",
    "loan_id",
    "at",
    "direction",
    "channel",
    "mode",
    "recipient",
    "address",
    "outcome",
    "by",
    "purpose",
    "text",
    "actor_kind",
    "collector_id",
    "decision_id",
    "action",
    "template",
    "gate_allowed",
    "gate_rule",
    "right_party",
    "result",
)
ACTOR_KINDS = ("collector", "robot", "agency", "system", "borrower")
RESULTS = (
    "ptp",
    "refused_to_pay",
    "refused_to_talk",
    "dispute",
    "callback",
    "wrong_party",
    "no_result",
)
_DEFAULTS: dict[str, Any] = {
    "loan_id": None,
    "direction": "outbound",
    "mode": "agent",
    "recipient": "debtor",
    "address": None,
    "by": "lender",
    "purpose": "collection",
    "text": None,
    "actor_kind": "collector",
    "collector_id": None,
    "decision_id": None,
    "action": None,
    "template": None,
    "gate_allowed": True,
    "gate_rule": None,
    "right_party": None,
    "result": None,
}


def _check_column(
    frame: pd.DataFrame, name: str, allowed: tuple[str, ...] | frozenset[str]
) -> None:
    values = frame[name].to_numpy(dtype=object)
    bad = ~pd.Series(values).isin(list(allowed)).to_numpy() & pd.notna(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"must be one of {', '.join(sorted(allowed))} (got {values[row]!r})",
            record=f"contact {row + 1}",
            field=name,
        )


def _contact_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The contacts as a complete, checked frame (defaults filled, times in UTC)."""
    missing = [c for c in ("borrower_id", "at", "channel", "outcome") if c not in frame]
    if missing:
        raise InputError(f"contacts need the columns {missing}", field=missing[0])
    out = frame.reset_index(drop=True).copy()
    for name, value in _DEFAULTS.items():
        if name not in out:
            out[name] = value
    times = pd.to_datetime(out["at"])
    if getattr(times.dt, "tz", None) is None:
        raise InputError("must be aware datetimes", record="contact 1", field="at")
    out["at"] = times.dt.tz_convert("UTC")
    _check_column(out, "direction", DIRECTIONS)
    _check_column(out, "actor_kind", ACTOR_KINDS)
    _check_column(out, "result", RESULTS)
    return out[list(CONTACT_COLUMNS)]


def record_contacts(
    session: Session, *, contacts: pd.DataFrame, actor: str, at: dt.datetime
) -> list[int]:
    """Record many contact events (columns of :data:`CONTACT_COLUMNS`); their ids in order.

    Each event gets its ``contact.recorded`` audit entry. ``contact_method_id`` is linked
    where the address is one of the borrower's contact methods.
    """
    rows = _contact_rows(contacts)
    if rows.empty:
        return []
    # Through the borrower_id index: a borrower has a handful of addresses.
    known = select_by_keys(
        session,
        "SELECT borrower_id, value, id FROM contact_method",
        "borrower_id",
        sorted({int(b) for b in rows["borrower_id"].tolist()}),
    )
    methods = {f"{b}|{v}": int(i) for b, v, i in known}
    rows["contact_method_id"] = [
        methods.get(f"{b}|{a}") if a is not None else None
        for b, a in zip(rows["borrower_id"].tolist(), rows["address"].tolist(), strict=True)
    ]
    columns = [*CONTACT_COLUMNS, "contact_method_id"]
    values = {
        name: stored_instants(session, rows[name]) if name == "at" else driver_values(rows[name])
        for name in columns
    }
    ids = insert_returning_ids(
        session, "contact_event", columns, list(zip(*values.values(), strict=True))
    )
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "contact.recorded",
                "contact_event",
                str(i),
                actor,
                at,
                {
                    "borrower_id": values["borrower_id"][k],
                    "loan_id": values["loan_id"][k],
                    "channel": values["channel"][k],
                    "outcome": values["outcome"][k],
                    "by": values["by"][k],
                    "decision_id": values["decision_id"][k],
                    "gate_allowed": values["gate_allowed"][k],
                },
            )
            for k, i in enumerate(ids)
        ],
    )
    return ids


# -- what the gate knows, read from the database ---------------------------------------------


@dataclass(frozen=True, slots=True)
class GateTables:
    """The batch gate's tables for some borrowers (see fairdebt.compliance.batch)."""

    history: pd.DataFrame
    debtors: pd.DataFrame
    consents: pd.DataFrame


def gate_facts(
    session: Session,
    borrower_ids: Sequence[int],
    *,
    at: dt.datetime,
    days: int = 8,
    by: str | None = None,
    promise_grace_days: int = PROMISE_GRACE_DAYS,
) -> GateTables:
    """Everything the gate needs about these borrowers at the instant ``at``.

    History: every contact event of the last ``days`` days before ``at``, by every actor
    (lender, robots, agencies), and each channel the borrower refused (as their own inbound stop
    reply on it). Debtors: time zone, the holds in force on any of their loans, the times they
    asked not to be contacted and any request to stop. Consents not withdrawn.
    The one place that assembles a gate case from the database.

    A hold scoped to one actor (a conduct complaint's) counts only for contacts ``by`` that
    actor; when ``by`` is None every hold counts. A live promise to pay (not kept or
    cancelled, made on or before the day, due no more than ``promise_grace_days`` days before
    it) shows as the hold ``promise``.
    """
    ids = sorted({int(b) for b in borrower_ids})
    since = at - dt.timedelta(days=days)
    events = select_by_keys(
        session,
        "SELECT e.borrower_id, e.at, e.direction, e.channel, e.mode, e.recipient, e.address,"
        " l.external_id, e.by, e.outcome FROM contact_event e"
        " LEFT JOIN loan l ON l.id = e.loan_id",
        "e.borrower_id",
        ids,
        # A placement hands an account to an agency: no one was contacted.
        where=_time_window(session, since, at) + " AND e.channel <> 'placement'",
    )
    history = pd.DataFrame(
        events,
        columns=[
            "debtor_id",
            "at",
            "direction",
            "channel",
            "mode",
            "recipient",
            "address",
            "debt_id",
            "by",
            "outcome",
        ],
    )
    history["at"] = pd.to_datetime(history["at"], utc=True)
    day = at.astimezone(dt.UTC).date()
    borrowers = select_by_keys(session, "SELECT id, timezone FROM borrower", "id", ids)
    debtors = pd.DataFrame(borrowers, columns=["debtor_id", "timezone"])
    holds = select_by_keys(
        session,
        "SELECT l.borrower_id, h.kind, h.started_on, h.ended_on, h.scope FROM hold h"
        " JOIN loan l ON l.id = h.loan_id",
        "l.borrower_id",
        ids,
    )
    in_force: dict[int, set[str]] = {}
    for borrower, kind, started, ended, scope in holds:
        if scope is not None and by is not None and scope != by:
            continue
        if _as_date(started) <= day and (ended is None or _as_date(ended) > day):
            in_force.setdefault(int(borrower), set()).add(str(kind))
    promised = select_by_keys(
        session,
        "SELECT l.borrower_id, p.promised_on, p.due_on FROM promise p"
        " JOIN loan l ON l.id = p.loan_id",
        "l.borrower_id",
        ids,
        where="p.status NOT IN ('kept', 'cancelled')",
    )
    grace = dt.timedelta(days=promise_grace_days)
    for borrower, promised_on, due_on in promised:
        if _as_date(promised_on) <= day <= _as_date(due_on) + grace:
            in_force.setdefault(int(borrower), set()).add("promise")
    debtors["holds"] = [sorted(in_force.get(int(b), ())) for b in debtors["debtor_id"]]
    prefs = select_by_keys(
        session,
        "SELECT borrower_id, kind, from_time, to_time, set_at, channel FROM contact_preference",
        "borrower_id",
        ids,
        where="ended_at IS NULL",
    )
    windows: dict[int, list[tuple[str, str]]] = {}
    cease: dict[int, dt.date] = {}
    refusals: list[tuple[Any, ...]] = []
    for borrower, kind, start, end, set_at, channel in prefs:
        if kind == "inconvenient_time" and start is not None and end is not None:
            windows.setdefault(int(borrower), []).append((_hhmm(start), _hhmm(end)))
        elif kind == "cease":
            cease[int(borrower)] = pd.Timestamp(set_at).date()
        elif kind == "no_channel" and channel is not None:
            # a channel refused in the portal is the borrower's own opt-out of that medium,
            # however long ago: every pack's opt-out rule reads it from the history
            refusals.append(
                (
                    int(borrower),
                    set_at,
                    "inbound",
                    channel,
                    "agent",
                    "debtor",
                    None,
                    None,
                    "borrower",
                    "stop_reply",
                )
            )
    if refusals:
        opted = pd.DataFrame(refusals, columns=history.columns)
        opted["at"] = pd.to_datetime(opted["at"], utc=True)
        history = pd.concat([history, opted], ignore_index=True).sort_values(
            ["debtor_id", "at"], kind="stable", ignore_index=True
        )
    debtors["inconvenient_times"] = [windows.get(int(b)) for b in debtors["debtor_id"]]
    debtors["cease_requested_on"] = [cease.get(int(b)) for b in debtors["debtor_id"]]
    granted = select_by_keys(
        session,
        "SELECT c.borrower_id, c.given_at, c.party, c.channel, c.starts_at, c.ends_at,"
        " l.external_id FROM consent c LEFT JOIN loan l ON l.id = c.loan_id",
        "c.borrower_id",
        ids,
        where="c.withdrawn_at IS NULL",
    )
    consents = pd.DataFrame(
        granted, columns=["debtor_id", "given_at", "to", "channel", "from", "to_time", "debt_id"]
    )
    for column in ("given_at", "from", "to_time"):
        consents[column] = pd.to_datetime(consents[column], utc=True)
    return GateTables(history=history, debtors=debtors, consents=consents)


def _time_window(session: Session, since: dt.datetime, until: dt.datetime) -> str:
    """A literal time filter on ``e.at`` in the stored form of each dialect (UTC)."""
    low, high = since.astimezone(dt.UTC), until.astimezone(dt.UTC)
    if session.connection().dialect.name == "sqlite":
        # Stored by SQLAlchemy as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, no offset).
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        return f"e.at >= '{low.strftime(fmt)}' AND e.at <= '{high.strftime(fmt)}'"
    return f"e.at >= '{low.isoformat()}' AND e.at <= '{high.isoformat()}'"


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _hhmm(value: Any) -> str:
    text = value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)[:5]
    return text


def gate_case(
    session: Session, *, borrower_id: int, at: dt.datetime, by: str | None = None
) -> tuple[tuple[ContactRecord, ...], Debtor, tuple[Consent, ...]]:
    """The gate's history, debtor and consents for one borrower at ``at``, from the database,
    for a contact ``by`` an actor (None: holds on any actor count)."""
    tables = gate_facts(session, [borrower_id], at=at, by=by)
    if tables.debtors.empty:
        raise UnknownRecord(
            f"no borrower has id {borrower_id}", record=f"borrower {borrower_id}", field="borrower"
        )
    row = tables.debtors.iloc[0]
    debtor = Debtor(
        timezone=str(row["timezone"]) if row["timezone"] else None,
        inconvenient_times=tuple(
            TimeRange(dt.time.fromisoformat(a), dt.time.fromisoformat(b))
            for a, b in (row["inconvenient_times"] or ())
        ),
        cease_requested_on=row["cease_requested_on"],
        holds=tuple(row["holds"]),
    )
    history = tuple(
        ContactRecord(
            at=e.at.to_pydatetime(),
            direction=e.direction,
            channel=e.channel,
            mode=e.mode,
            recipient=e.recipient,
            address=e.address,
            debt_ids=(e.debt_id,) if isinstance(e.debt_id, str) else (),
            by=e.by,
            outcome=e.outcome,
        )
        for e in tables.history.itertuples(index=False)
    )
    consents = tuple(
        Consent(
            given_at=c.given_at.to_pydatetime(),
            to=c.to,
            channel=c.channel,
            start=None if pd.isna(c._4) else c._4.to_pydatetime(),
            end=None if pd.isna(c.to_time) else c.to_time.to_pydatetime(),
            debt_ids=(c.debt_id,) if isinstance(c.debt_id, str) else (),
        )
        for c in tables.consents.itertuples(index=False)
    )
    return history, debtor, consents


class LedgerFacts:
    """The planner's gate facts (fairdebt.strategy.planning.GateFacts) read from the ledger.

    One read serves the whole plan: the planner asks for history and debtors of the same
    borrowers, so the tables are read once per distinct set of borrowers.
    """

    def __init__(self, session: Session, *, at: dt.datetime) -> None:
        self.session, self.at = session, at
        self._cache: tuple[bytes, GateTables] | None = None

    def tables(self, borrower_ids: Any) -> GateTables:
        ids = np.unique(np.asarray(borrower_ids, dtype=np.int64))
        key = ids.tobytes()
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, gate_facts(self.session, ids.tolist(), at=self.at))
        return self._cache[1]

    def history(self, borrower_ids: Any) -> pd.DataFrame:
        return self.tables(borrower_ids).history

    def debtors(self, borrower_ids: Any) -> pd.DataFrame:
        return self.tables(borrower_ids).debtors
