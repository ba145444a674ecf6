"""Charge-off: writing off a loan at its product's days past due, unless a hold defers it.

:func:`charge_off_due` is set-based: one query finds every active loan whose oldest unpaid due
is ``charge_off_days`` old and that no deferring hold covers on the business date. Which holds
defer is a :class:`ChargeOffPolicy`. By default a dispute, a hardship or a repayment-plan hold
defers charge-off (the debt is contested, or the borrower is on a hardship arrangement or
keeping a plan: writing it off would close the door the hold holds open); a complaint hold
does not, because it stops contact only (:data:`~fairdebt.models.CONTACT_ONLY_HOLDS`); and a
hold scoped to one actor (an agency, the lender's own collectors) is about who may call, not
about the debt, so it is ignored. Money received after charge-off is a recovery
(:mod:`fairdebt.ledger.recoveries`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Exists, Table, exists, func, or_, select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import ConfigurationError
from fairdebt.ledger.installments import chunked, owed_expression
from fairdebt.ledger.journal import post_charge_offs
from fairdebt.models import (
    CONTACT_ONLY_HOLDS,
    Hold,
    HoldKind,
    Installment,
    Loan,
    LoanStatus,
    Product,
)

__all__ = ["DEFAULT_CHARGE_OFF_POLICY", "ChargeOffPolicy", "charge_off_due"]


@dataclass(frozen=True, slots=True)
class ChargeOffPolicy:
    """Which holds in force on the business date defer a loan's charge-off.

    ``deferring_holds`` are hold kinds; holds with a ``scope`` (one actor's) never defer, and
    a contact-only kind (a complaint) may not be named: it does not stop the debt's clock.
    """

    deferring_holds: frozenset[str] = frozenset(
        {HoldKind.DISPUTE.value, HoldKind.HARDSHIP.value, HoldKind.PLAN.value}
    )

    def __post_init__(self) -> None:
        kinds = {k.value for k in HoldKind}
        unknown = sorted(self.deferring_holds - kinds)
        if unknown:
            raise ConfigurationError(
                f"charge-off policy: unknown hold kinds {unknown} "
                f"(expected some of {sorted(kinds)})"
            )
        contact_only = sorted(self.deferring_holds & set(CONTACT_ONLY_HOLDS))
        if contact_only:
            raise ConfigurationError(
                f"charge-off policy: {contact_only} holds stop contact only and cannot defer "
                "charge-off"
            )


DEFAULT_CHARGE_OFF_POLICY = ChargeOffPolicy()


def _deferred(business_date: dt.date, policy: ChargeOffPolicy) -> Exists:
    """SQL: a deferring, unscoped hold is in force on the loan on ``business_date``."""
    return exists().where(
        Hold.loan_id == Loan.id,
        Hold.kind.in_(sorted(policy.deferring_holds)),
        Hold.scope.is_(None),
        Hold.started_on <= business_date,
        or_(Hold.ended_on.is_(None), Hold.ended_on > business_date),
    )


def charge_off_due(
    session: Session,
    *,
    business_date: dt.date,
    actor: str,
    at: dt.datetime,
    policy: ChargeOffPolicy = DEFAULT_CHARGE_OFF_POLICY,
) -> int:
    """Charge off every active loan whose days past due reached its product's charge-off days
    and that no deferring hold covers on ``business_date``.

    Days past due are counted from the oldest due still unpaid: dpd = business_date − due_on.
    Returns the number of loans charged off.
    """
    session.flush()
    inst = cast(Table, Installment.__table__)
    oldest = (
        select(inst.c.loan_id, func.min(inst.c.due_on).label("oldest_due_on"))
        .where(
            inst.c.superseded_on.is_(None),
            owed_expression() > 0,
            inst.c.due_on < business_date,
        )
        .group_by(inst.c.loan_id)
        .subquery()
    )
    query = (
        select(Loan.id, oldest.c.oldest_due_on, Product.charge_off_days)
        .join(oldest, oldest.c.loan_id == Loan.id)
        .join(Product, Product.id == Loan.product_id)
        .where(Loan.status == LoanStatus.ACTIVE)
    )
    if policy.deferring_holds:
        query = query.where(~_deferred(business_date, policy))
    due = [
        (loan_id, (business_date - oldest_due_on).days)
        for loan_id, oldest_due_on, days in session.execute(query).all()
        if (business_date - oldest_due_on).days >= days
    ]
    if not due:
        return 0
    table = cast(Table, Loan.__table__)
    for chunk in chunked([loan_id for loan_id, _ in due]):
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(chunk))
            .values(status=LoanStatus.CHARGED_OFF, charged_off_on=business_date)
        )
    post_charge_offs(session, loan_ids=[loan_id for loan_id, _ in due], business_date=business_date)
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "loan.charged_off",
                "loan",
                str(loan_id),
                actor,
                at,
                {"charged_off_on": business_date, "dpd": dpd},
            )
            for loan_id, dpd in due
        ],
    )
    session.expire_all()
    return len(due)
