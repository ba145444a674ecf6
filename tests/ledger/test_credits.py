"""A credit held on a loan pays its next dues as they fall due (credits.apply_credits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.errors import ConflictError
from fairdebt.ledger.credits import apply_credits
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import AllocationLine, AuditEntry, Installment, Loan

from .conftest import ACTOR, AT, LoanFactory, tx


def _credit_loan_with_payment(session: Session, make_loan: LoanFactory, amount: str) -> Loan:
    loan = make_loan("PC", principal="1200.00", term_months=3, overpayment="credit")
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn("PAY-1", loan.external_id, Decimal(amount), dt.date(2026, 2, 10)),
            actor=ACTOR,
            at=AT,
        )
    return loan


def _apply(session: Session, day: dt.date) -> int:
    with tx(session):
        return apply_credits(session, business_date=day, actor=ACTOR, at=AT)


def _credit(session: Session, loan_id: int) -> Decimal:
    session.expire_all()
    return session.get(Loan, loan_id).credit_amount  # type: ignore[union-attr]


def test_a_credit_waits_until_the_next_due_falls_due_then_pays_it(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _credit_loan_with_payment(session, make_loan, "700.00")
    held = _credit(session, loan.id)
    assert held > 0
    assert _apply(session, dt.date(2026, 3, 14)) == 0
    assert _credit(session, loan.id) == held
    assert _apply(session, dt.date(2026, 3, 15)) == 1
    assert _credit(session, loan.id) == 0
    lines = session.execute(
        select(AllocationLine.effective_on, func.sum(AllocationLine.amount)).group_by(
            AllocationLine.effective_on
        )
    ).all()
    assert dict(lines) == {
        dt.date(2026, 2, 10): Decimal("700.00") - held,
        dt.date(2026, 3, 15): held,
    }
    second = session.scalars(
        select(Installment).where(Installment.loan_id == loan.id, Installment.seq == 2)
    ).one()
    assert second.interest_paid + second.principal_paid == held
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-1] == "credit.applied"
    assert _apply(session, dt.date(2026, 3, 15)) == 0  # nothing left to apply


def test_a_credit_covering_every_due_closes_the_loan_when_the_last_one_falls_due(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _credit_loan_with_payment(session, make_loan, "1500.00")
    for day in (dt.date(2026, 3, 15), dt.date(2026, 4, 15)):
        assert _apply(session, day) == 1
    session.expire_all()
    closed = session.get(Loan, loan.id)
    assert closed is not None and closed.status == "closed"
    assert closed.closed_on == dt.date(2026, 4, 15)
    assert closed.credit_amount == Decimal("1500.00") - session.scalar(
        select(func.sum(Installment.interest_due + Installment.principal_due)).where(
            Installment.loan_id == loan.id
        )
    )


def test_a_payment_whose_credit_was_applied_cannot_be_reversed(
    session: Session, make_loan: LoanFactory
) -> None:
    _credit_loan_with_payment(session, make_loan, "700.00")
    _apply(session, dt.date(2026, 3, 15))
    with pytest.raises(ConflictError, match="credit"), tx(session):
        reverse_payment(
            session,
            external_id="PAY-1",
            reversed_on=dt.date(2026, 3, 16),
            reason="chargeback",
            actor=ACTOR,
            at=AT,
        )
