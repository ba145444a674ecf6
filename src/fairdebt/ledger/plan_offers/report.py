"""Plans by kind and outcome on a date: what ``fairdebt plans report`` and the KPIs show.

Each accepted plan counts in the state it was in at the end of ``as_of``: performing if it was
accepted by then and had not ended, else completed or breached. Offers made are counted with
how many of them were taken up (a loan offered several plans on one day counts once).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.models import PlanKind, PlanOffer, PlanOfferStatus
from fairdebt.money import ZERO

__all__ = ["OUTCOMES", "plans_report"]

OUTCOMES = (
    PlanOfferStatus.PERFORMING.value,
    PlanOfferStatus.COMPLETED.value,
    PlanOfferStatus.BREACHED.value,
)


def _outcome(offer: PlanOffer, as_of: dt.date) -> str | None:
    if offer.accepted_on is None or offer.accepted_on > as_of:
        return None
    if offer.ended_on is None or offer.ended_on > as_of:
        return PlanOfferStatus.PERFORMING.value
    return offer.status


def plans_report(session: Session, *, as_of: dt.date) -> dict[str, Any]:
    """Loans under plan by kind and outcome (count, amount planned, amount forgiven), and
    offers made against plans accepted, as of the end of ``as_of``.

    Amounts are decimal strings; ``rows`` has one entry per kind and outcome with any plan.
    """
    offers = session.scalars(select(PlanOffer).where(PlanOffer.offered_on <= as_of)).all()
    cells: dict[tuple[str, str], list[Any]] = {}
    offered: set[tuple[int, dt.date]] = set()
    for offer in offers:
        offered.add((offer.loan_id, offer.offered_on))
        outcome = _outcome(offer, as_of)
        if outcome is None:
            continue
        cell = cells.setdefault((offer.kind, outcome), [0, ZERO, ZERO])
        cell[0] += 1
        cell[1] += offer.total_amount
        cell[2] += offer.forgiven_amount
    order = [k.value for k in PlanKind]
    rows = [
        {
            "kind": kind,
            "outcome": outcome,
            "loans": count,
            "amount": str(amount),
            "forgiven": str(forgiven),
        }
        for (kind, outcome), (count, amount, forgiven) in sorted(
            cells.items(), key=lambda c: (order.index(c[0][0]), OUTCOMES.index(c[0][1]))
        )
    ]
    accepted = sum(int(r["loans"]) for r in rows)
    return {
        "as_of": as_of.isoformat(),
        "offered": len(offered),
        "accepted": accepted,
        "take_up": None if not offered else round(accepted / len(offered), 4),
        "by_outcome": {
            o: sum(int(r["loans"]) for r in rows if r["outcome"] == o) for o in OUTCOMES
        },
        "under_plan_amount": str(
            sum((Decimal(r["amount"]) for r in rows if r["outcome"] == OUTCOMES[0]), ZERO)
        ),
        "rows": rows,
    }
