"""The conduct report's figures, read from the ledger for a period: one table per section.

Contacts by actor and channel; gate refusals by rule from three sources kept apart so none is
counted twice: the plan's refused decisions (``decision.gate_rule``), contacts recorded against
the gate (``contact_event.gate_allowed`` false: agency records, a collector who went ahead) and
gate checks that named no recorded contact (``contact.refused`` audit entries without an
entity id); complaints by cause (:func:`fairdebt.complaints.complaint_rates`); agency
scorecards (:func:`fairdebt.agencies.scorecards`); repayment plans by kind and outcome, the
outcome read from the plan's own installments on the last day (completed, performing, in
arrears, superseded), so the section holds whatever the ``repayment_plan`` table holds, nothing
included. Days are UTC dates of the instants, as in the complaint rates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fairdebt.agencies.scorecards import scorecards
from fairdebt.complaints import complaint_rates
from fairdebt.models import (
    AuditEntry,
    ContactEvent,
    Decision,
    DecisionStatus,
    Installment,
    RepaymentPlan,
)

__all__ = ["ConductFigures", "read_figures"]

_COMPONENTS = ("principal", "interest", "fee", "penalty")


@dataclass(frozen=True, slots=True)
class ConductFigures:
    """The report's tables; each is also written as a CSV."""

    since: dt.date
    until: dt.date
    contacts: pd.DataFrame  # by, channel, contacts, against_gate
    refusals: pd.DataFrame  # rule, source, refusals
    complaints: pd.DataFrame  # cause, zh, en, complaints, per_10k
    agencies: pd.DataFrame  # one scorecard per agency
    plans: pd.DataFrame  # kind, outcome, plans, amount
    accounts: int

    def headline(self) -> dict[str, int]:
        return {
            "contacts": int(self.contacts["contacts"].sum()) if len(self.contacts) else 0,
            "refusals": int(self.refusals["refusals"].sum()) if len(self.refusals) else 0,
            "complaints": int(self.complaints["complaints"].sum()) if len(self.complaints) else 0,
            "agencies": len(self.agencies),
            "plans": int(self.plans["plans"].sum()) if len(self.plans) else 0,
        }


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    low = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    return low, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _contacts(session: Session, low: dt.datetime, high: dt.datetime) -> pd.DataFrame:
    rows = session.execute(
        select(
            ContactEvent.by,
            ContactEvent.channel,
            func.count(),
            func.sum(case((ContactEvent.gate_allowed.is_(False), 1), else_=0)),
        )
        .where(ContactEvent.at >= low, ContactEvent.at < high, ContactEvent.channel != "placement")
        .group_by(ContactEvent.by, ContactEvent.channel)
        .order_by(ContactEvent.by, ContactEvent.channel)
    ).all()
    return pd.DataFrame(
        [(b, c, int(n), int(r or 0)) for b, c, n, r in rows],
        columns=["by", "channel", "contacts", "against_gate"],
    )


def _refusals(
    session: Session, since: dt.date, until: dt.date, low: dt.datetime, high: dt.datetime
) -> pd.DataFrame:
    counts: Counter[tuple[str, str]] = Counter()
    for rule, n in session.execute(
        select(Decision.gate_rule, func.count())
        .where(
            Decision.status == DecisionStatus.REFUSED,
            Decision.business_date >= since,
            Decision.business_date <= until,
        )
        .group_by(Decision.gate_rule)
    ):
        counts[(rule or "?", "plan")] += int(n)
    for rule, n in session.execute(
        select(ContactEvent.gate_rule, func.count())
        .where(ContactEvent.gate_allowed.is_(False), ContactEvent.at >= low, ContactEvent.at < high)
        .group_by(ContactEvent.gate_rule)
    ):
        counts[(rule or "?", "contact")] += int(n)
    for text in session.scalars(
        select(AuditEntry.data).where(
            AuditEntry.action == "contact.refused",
            AuditEntry.entity_id.is_(None),
            AuditEntry.at >= low,
            AuditEntry.at < high,
        )
    ):
        reasons = json.loads(text).get("reasons") or [{}]
        counts[(str(reasons[0].get("rule", "?")), "check")] += 1
    rows = sorted(((r, s, n) for (r, s), n in counts.items()), key=lambda x: (-x[2], x[0], x[1]))
    return pd.DataFrame(rows, columns=["rule", "source", "refusals"])


def _outcome(rows: list[Installment], until: dt.date) -> str:
    live = [r for r in rows if r.superseded_on is None or r.superseded_on > until]
    if rows and not live:
        return "superseded"
    left = [
        (
            r.due_on,
            sum(
                getattr(r, f"{c}_due") - getattr(r, f"{c}_paid") - getattr(r, f"{c}_waived")
                for c in _COMPONENTS
            ),
        )
        for r in live
    ]
    if all(amount <= 0 for _, amount in left):
        return "completed"
    if any(due < until and amount > 0 for due, amount in left):
        return "in_arrears"
    return "performing"


def _plans(session: Session, since: dt.date, until: dt.date) -> pd.DataFrame:
    plans = session.scalars(
        select(RepaymentPlan).where(
            RepaymentPlan.starts_on >= since, RepaymentPlan.starts_on <= until
        )
    ).all()
    dues: dict[int, list[Installment]] = {}
    if plans:
        for row in session.scalars(
            select(Installment).where(Installment.repayment_plan_id.in_([p.id for p in plans]))
        ):
            dues.setdefault(int(row.repayment_plan_id or 0), []).append(row)
    counts: Counter[tuple[str, str]] = Counter()
    amounts: dict[tuple[str, str], float] = {}
    for plan in plans:
        key = (plan.kind, _outcome(dues.get(plan.id, []), until))
        counts[key] += 1
        amounts[key] = amounts.get(key, 0.0) + float(plan.restructured_amount)
    return pd.DataFrame(
        [(k, o, n, f"{amounts[(k, o)]:.2f}") for (k, o), n in sorted(counts.items())],
        columns=["kind", "outcome", "plans", "amount"],
    )


def read_figures(session: Session, *, since: dt.date, until: dt.date) -> ConductFigures:
    """Every table of the conduct report for ``since..until``."""
    low, high = _bounds(since, until)
    rates = complaint_rates(session, since=since, until=until)
    complaints = pd.DataFrame(
        [(c["cause"], c["zh"], c["en"], c["complaints"], c["per_10k"]) for c in rates["by_cause"]],
        columns=["cause", "zh", "en", "complaints", "per_10k"],
    )
    cards = [c.to_json() for c in scorecards(session, since=since, until=until)]
    return ConductFigures(
        since=since,
        until=until,
        contacts=_contacts(session, low, high),
        refusals=_refusals(session, since, until, low, high),
        complaints=complaints,
        agencies=pd.DataFrame(cards, columns=list(cards[0]) if cards else ["agency"]),
        plans=_plans(session, since, until),
        accounts=int(rates["accounts"]),
    )
