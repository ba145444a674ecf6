"""Agency scorecards over a period: recovery beside conduct, per 1,000 accounts.

For each registered agency: the accounts it held (distinct loans placed with it at some day of
the period; an agency that held none is measured on the accounts it contacted), the balance
placed, what was recovered while placed and the commission on it
(:func:`fairdebt.agencies.placements.commissions`), its contacts, the complaints naming it,
the screening findings on its contacts (from the gate's audit entries, whose evidence points at
a span of the text) and its contacts the gate refused; each conduct count also per 1,000
accounts. The allocation (:mod:`fairdebt.agencies.allocation`) and the conduct report read
these cards.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from fairdebt.agencies.placements import commissions
from fairdebt.agencies.registry import standing
from fairdebt.models import Agency, AuditEntry, Complaint, ContactEvent, Placement
from fairdebt.money import ZERO

__all__ = ["Scorecard", "per_1000", "scorecards"]


def per_1000(count: int, accounts: int) -> Decimal | None:
    """A count per 1,000 accounts, two decimals; None without accounts.

    >>> per_1000(3, 1_200)
    Decimal('2.50')
    >>> per_1000(1, 0) is None
    True
    """
    if accounts <= 0:
        return None
    return (Decimal(count) * 1000 / Decimal(accounts)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True, slots=True)
class Scorecard:
    """One agency's period: recovery, conduct counts and their rates per 1,000 accounts."""

    agency: str
    accounts: int
    placed_amount: Decimal
    recovered_amount: Decimal
    commission_amount: Decimal
    recovery_rate: Decimal | None  # recovered / placed balance
    contacts: int
    complaints: int
    screening_findings: int
    gate_refusals: int
    complaints_per_1000: Decimal | None
    findings_per_1000: Decimal | None
    refusals_per_1000: Decimal | None
    may_place: bool
    evaluated_on: dt.date | None

    def to_json(self) -> dict[str, Any]:
        return {
            k: (
                str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v
            )
            for k, v in asdict(self).items()
        }


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    low = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    return low, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _held_accounts(session: Session, agency_id: int, since: dt.date, until: dt.date) -> int:
    return int(
        session.scalar(
            select(func.count(func.distinct(Placement.loan_id))).where(
                Placement.agency_id == agency_id,
                Placement.placed_on <= until,
                or_(Placement.recalled_on.is_(None), Placement.recalled_on > since),
            )
        )
        or 0
    )


def _contacts(
    session: Session, by: str, low: dt.datetime, high: dt.datetime
) -> tuple[int, int, int]:
    """Contacts, accounts contacted and contacts the gate refused, by actor ``by``."""
    account = case(
        (ContactEvent.loan_id.is_not(None), ContactEvent.loan_id), else_=-ContactEvent.borrower_id
    )
    total, accounts, refused = session.execute(
        select(
            func.count(),
            func.count(func.distinct(account)),
            func.sum(case((ContactEvent.gate_allowed.is_(False), 1), else_=0)),
        ).where(
            ContactEvent.by == by,
            ContactEvent.at >= low,
            ContactEvent.at < high,
            ContactEvent.channel != "placement",
        )
    ).one()
    return int(total or 0), int(accounts or 0), int(refused or 0)


def screening_findings(session: Session, low: dt.datetime, high: dt.datetime) -> dict[str, int]:
    """Screening findings on gated contacts by actor (``lender``, ``agency:NAME``)."""
    texts = session.scalars(
        select(AuditEntry.data).where(
            AuditEntry.action.in_(("contact.allowed", "contact.refused")),
            AuditEntry.at >= low,
            AuditEntry.at < high,
            AuditEntry.data.contains('"excerpt"'),
        )
    ).all()
    found: dict[str, int] = {}
    for text in texts:
        data = json.loads(text)
        by = str((data.get("attempt") or {}).get("by") or "lender")
        hits = [
            r
            for r in (*(data.get("reasons") or ()), *(data.get("notes") or ()))
            if "excerpt" in (r.get("evidence") or {})
        ]
        found[by] = found.get(by, 0) + len(hits)
    return found


def scorecards(session: Session, *, since: dt.date, until: dt.date) -> list[Scorecard]:
    """Every registered agency's scorecard for ``since..until`` (days by UTC date)."""
    low, high = _bounds(since, until)
    earned = commissions(session, since=since, until=until)
    findings = screening_findings(session, low, high)
    complaints = dict(
        session.execute(
            select(Complaint.agency, func.count())
            .where(Complaint.received_at >= low, Complaint.received_at < high)
            .group_by(Complaint.agency)
        ).all()
    )
    cards = []
    for agency in session.scalars(select(Agency).order_by(Agency.name)).all():
        by = f"agency:{agency.name}"
        mine = [row for row in earned if row["agency"] == agency.name]
        placed = sum((row["balance_amount"] for row in mine), ZERO)
        recovered = sum((row["recovered_amount"] for row in mine), ZERO)
        contacts, reached, refused = _contacts(session, by, low, high)
        accounts = _held_accounts(session, agency.id, since, until) or reached
        complained = int(complaints.get(agency.name, 0))
        found = findings.get(by, 0)
        state = standing(session, agency=agency, on=until)
        cards.append(
            Scorecard(
                agency=agency.name,
                accounts=accounts,
                placed_amount=placed,
                recovered_amount=recovered,
                commission_amount=sum((row["commission_amount"] for row in mine), ZERO),
                recovery_rate=(recovered / placed).quantize(Decimal("0.0001")) if placed else None,
                contacts=contacts,
                complaints=complained,
                screening_findings=found,
                gate_refusals=refused,
                complaints_per_1000=per_1000(complained, accounts),
                findings_per_1000=per_1000(found, accounts),
                refusals_per_1000=per_1000(refused, accounts),
                may_place=state.may_place,
                evaluated_on=state.evaluated_on,
            )
        )
    return cards
