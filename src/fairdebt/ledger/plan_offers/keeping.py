"""Whether plans are kept: the verb ``check_plans`` finds completed and breached plans on a date.

A plan is kept while the money paid since it was accepted covers every instalment whose date,
plus the policy's grace period, has passed. Once the payments cover the whole plan (or the loan
is closed) it is **completed**: its hold is lifted and a settlement's discount is forgiven then,
never before. A payment still missing ``grace_days`` after its date **breaches** the plan: the
hold ends that day and the loan returns to collections with whatever it owes (the new schedule
stays; a penalty waiver already granted stands). Each is one audited step (``plan.completed``,
``plan.breached``) in the caller's transaction; the ledger's end of day runs the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.ledger.holds import lift_hold
from fairdebt.ledger.installments import COMPONENTS, load_states
from fairdebt.ledger.loans import waive
from fairdebt.ledger.plan_offers.offering import instalments_of
from fairdebt.models import (
    Loan,
    LoanStatus,
    Payment,
    PaymentStatus,
    PlanKind,
    PlanOffer,
    PlanOfferStatus,
)
from fairdebt.money import ZERO

__all__ = ["PlanCheck", "check_plans", "paid_since", "plan_amount"]


@dataclass(frozen=True, slots=True)
class PlanCheck:
    """The plans a check completed and breached (offer ids)."""

    completed: tuple[int, ...]
    breached: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.completed) + len(self.breached)


def paid_since(session: Session, *, loan_id: int, since: dt.date, until: dt.date) -> Decimal:
    """Money paid to the loan from ``since`` to ``until`` (both included), less what was
    reversed by ``until``."""
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.loan_id == loan_id,
            Payment.paid_on >= since,
            Payment.paid_on <= until,
            or_(
                Payment.status == PaymentStatus.POSTED.value,
                Payment.reversed_on > until,
            ),
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _missed(offer: PlanOffer, paid: Decimal, on: dt.date, grace_days: int) -> dt.date | None:
    """The date of the first instalment still not covered ``grace_days`` after it, if any."""
    owed = ZERO
    for due_on, amount in instalments_of(offer):
        owed += amount
        if due_on + dt.timedelta(days=grace_days) < on and paid < owed:
            return due_on
    return None


def _end(
    session: Session,
    offer: PlanOffer,
    *,
    status: str,
    on: dt.date,
    data: dict[str, object],
    actor: str,
    at: dt.datetime,
) -> None:
    if offer.hold_id is not None:
        lift_hold(session, hold_id=offer.hold_id, ended_on=on, actor=actor, at=at)
    offer.status = status
    offer.ended_on = on
    session.flush()
    audit.record(
        session,
        action=f"plan.{status}",
        entity="plan_offer",
        entity_id=offer.id,
        actor=actor,
        at=at,
        data={"loan_id": offer.loan_id, "kind": offer.kind, "ended_on": on, **data},
    )


def _forgive_rest(
    session: Session, offer: PlanOffer, on: dt.date, actor: str, at: dt.datetime
) -> Decimal:
    """A settlement's discount: everything the loan still owes, forgiven once the plan is paid."""
    states = load_states(session, [offer.loan_id])[offer.loan_id]
    forgiven = ZERO
    for component in COMPONENTS:
        left = sum((s.outstanding(component) for s in states), ZERO)
        if left > 0:
            waive(
                session,
                loan_id=offer.loan_id,
                component=component,
                amount=left,
                waived_on=on,
                reason=f"settlement plan {offer.id} paid",
                actor=actor,
                at=at,
            )
            forgiven += left
    return forgiven


def check_plans(
    session: Session,
    *,
    business_date: dt.date,
    grace_days: int,
    actor: str,
    at: dt.datetime,
    offer_ids: Collection[int] | None = None,
) -> PlanCheck:
    """Complete the performing plans that are paid and breach those missed beyond grace.

    ``offer_ids`` limits the check to those plans (a caller that knows which plans can have
    changed today, such as the simulator, need not read every plan every day).
    """
    completed: list[int] = []
    breached: list[int] = []
    query = select(PlanOffer).where(
        PlanOffer.status == PlanOfferStatus.PERFORMING.value,
        PlanOffer.accepted_on <= business_date,
    )
    if offer_ids is not None:
        query = query.where(PlanOffer.id.in_(sorted(set(offer_ids))))
    performing = session.scalars(query.order_by(PlanOffer.id)).all()
    for offer in performing:
        assert offer.accepted_on is not None
        paid = paid_since(
            session, loan_id=offer.loan_id, since=offer.accepted_on, until=business_date
        )
        loan = session.get(Loan, offer.loan_id)
        closed = loan is not None and loan.status == LoanStatus.CLOSED
        if closed or paid >= plan_amount(offer):
            forgiven = ZERO
            if offer.kind == PlanKind.SETTLEMENT and not closed:
                forgiven = _forgive_rest(session, offer, business_date, actor, at)
            _end(
                session,
                offer,
                status=PlanOfferStatus.COMPLETED.value,
                on=business_date,
                data={"paid_amount": paid, "forgiven_amount": forgiven},
                actor=actor,
                at=at,
            )
            completed.append(offer.id)
            continue
        missed = _missed(offer, paid, business_date, grace_days)
        if missed is not None:
            _end(
                session,
                offer,
                status=PlanOfferStatus.BREACHED.value,
                on=business_date,
                data={"paid_amount": paid, "missed_due_on": missed, "grace_days": grace_days},
                actor=actor,
                at=at,
            )
            breached.append(offer.id)
    return PlanCheck(tuple(completed), tuple(breached))


def plan_amount(offer: PlanOffer) -> Decimal:
    """What the plan itself asks to be paid (a waiver's total also counts the loan's own dues)."""
    return sum((amount for _, amount in instalments_of(offer)), ZERO)
