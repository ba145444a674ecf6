"""Posting and reversing payments against real loans, on every backend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.errors import ConflictError
from fairdebt.ledger.payments import PaymentIn, post_payment, post_payments
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import AllocationLine, AuditEntry, Installment, Loan, Payment

from .conftest import ACTOR, AT, LoanFactory, tx


def _installments(session: Session, loan_id: int) -> list[tuple[Decimal, ...]]:
    rows = session.scalars(
        select(Installment).where(Installment.loan_id == loan_id).order_by(Installment.seq)
    )
    return [
        (r.principal_paid, r.interest_paid, r.fee_paid, r.penalty_paid, r.penalty_due) for r in rows
    ]


def _post(session: Session, external_id: str, loan: Loan, amount: str, day: dt.date) -> object:
    with tx(session):
        return post_payment(
            session,
            payment=PaymentIn(external_id, loan.external_id, Decimal(amount), day),
            actor=ACTOR,
            at=AT,
        )


def test_a_duplicate_payment_posts_once_and_says_so(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    first = _post(session, "PAY-1", loan, "100.00", dt.date(2026, 2, 10))
    again = _post(session, "PAY-1", loan, "100.00", dt.date(2026, 2, 10))
    assert not first.was_duplicate and again.was_duplicate
    assert again.payment_id == first.payment_id
    assert session.scalar(select(func.count()).select_from(Payment)) == 1
    assert session.scalar(select(func.sum(AllocationLine.amount))) == Decimal("100.00")
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["payment.posted", "payment.duplicate_ignored"]


def test_a_duplicate_within_one_batch_posts_once(session: Session, make_loan: LoanFactory) -> None:
    loan = make_loan()
    payment = PaymentIn("PAY-1", loan.external_id, Decimal("50.00"), dt.date(2026, 2, 10))
    with tx(session):
        results = post_payments(session, payments=[payment, payment], actor=ACTOR, at=AT)
    assert [r.was_duplicate for r in results] == [False, True]
    assert results[0].payment_id == results[1].payment_id


def test_a_reused_payment_id_with_another_amount_is_a_conflict(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _post(session, "PAY-1", loan, "100.00", dt.date(2026, 2, 10))
    with pytest.raises(ConflictError, match="PAY-1"), tx(session):
        post_payment(
            session,
            payment=PaymentIn("PAY-1", loan.external_id, Decimal("90.00"), dt.date(2026, 2, 10)),
            actor=ACTOR,
            at=AT,
        )


def test_overpayment_prepays_later_dues_under_a_prepay_product(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    result = _post(session, "PAY-1", loan, "700.00", dt.date(2026, 2, 10))
    assert result.allocated_amount + result.prepaid_amount == Decimal("700.00")
    assert result.prepaid_amount > 0 and result.credit_amount == 0
    paid = _installments(session, loan.id)
    assert sum(p[0] + p[1] for p in paid) == Decimal("700.00")


def test_overpayment_becomes_a_credit_under_a_credit_product(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("PC", principal="1200.00", term_months=3, overpayment="credit")
    result = _post(session, "PAY-1", loan, "700.00", dt.date(2026, 2, 10))
    assert result.prepaid_amount == 0 and result.credit_amount > 0
    assert result.allocated_amount + result.credit_amount == Decimal("700.00")
    session.expire_all()
    assert session.get(Loan, loan.id).credit_amount == result.credit_amount  # type: ignore[union-attr]


def test_paying_everything_closes_the_loan_and_a_reversal_reopens_it(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    result = _post(session, "PAY-1", loan, "2000.00", dt.date(2026, 2, 10))
    assert result.credit_amount > 0
    closed = session.get(Loan, loan.id)
    assert closed is not None and closed.status == "closed"
    assert closed.closed_on == dt.date(2026, 2, 10)
    with tx(session):
        reverse_payment(
            session,
            external_id="PAY-1",
            reversed_on=dt.date(2026, 2, 12),
            reason="bounced",
            actor=ACTOR,
            at=AT,
        )
    reopened = session.get(Loan, loan.id)
    assert reopened is not None and reopened.status == "active" and reopened.closed_on is None
    assert reopened.credit_amount == 0


def test_a_reversal_restores_the_installment_state_exactly(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="3000.00", term_months=6)
    _post(session, "PAY-1", loan, "520.00", dt.date(2026, 2, 15))
    before = _installments(session, loan.id)
    _post(session, "PAY-2", loan, "777.77", dt.date(2026, 3, 20))
    assert _installments(session, loan.id) != before
    with tx(session):
        payment = reverse_payment(
            session,
            external_id="PAY-2",
            reversed_on=dt.date(2026, 3, 25),
            reason="chargeback",
            actor=ACTOR,
            at=AT,
        )
    assert payment.status == "reversed"
    assert _installments(session, loan.id) == before
    negative = session.scalar(
        select(func.sum(AllocationLine.amount)).where(
            AllocationLine.payment_id == payment.id,
            AllocationLine.effective_on == dt.date(2026, 3, 25),
        )
    )
    assert negative == Decimal("-777.77")


def test_reversing_twice_is_a_conflict(session: Session, make_loan: LoanFactory) -> None:
    loan = make_loan()
    _post(session, "PAY-1", loan, "100.00", dt.date(2026, 2, 10))
    for attempt in range(2):
        if attempt:
            with pytest.raises(ConflictError, match="already reversed"), tx(session):
                reverse_payment(
                    session,
                    external_id="PAY-1",
                    reversed_on=dt.date(2026, 2, 11),
                    reason="x",
                    actor=ACTOR,
                    at=AT,
                )
        else:
            with tx(session):
                reverse_payment(
                    session,
                    external_id="PAY-1",
                    reversed_on=dt.date(2026, 2, 11),
                    reason="x",
                    actor=ACTOR,
                    at=AT,
                )


def test_bulk_results_come_back_in_the_order_given(
    session: Session, make_loan: LoanFactory
) -> None:
    loans = [make_loan(), make_loan()]
    payments = [
        PaymentIn("B", loans[1].external_id, Decimal("30.00"), dt.date(2026, 3, 1)),
        PaymentIn("A", loans[0].external_id, Decimal("20.00"), dt.date(2026, 2, 1)),
        PaymentIn("C", loans[0].external_id, Decimal("10.00"), dt.date(2026, 2, 5)),
    ]
    with tx(session):
        results = post_payments(session, payments=payments, actor=ACTOR, at=AT)
    assert [r.external_id for r in results] == ["B", "A", "C"]
    assert [r.allocated_amount for r in results] == [
        Decimal(x) for x in ("30.00", "20.00", "10.00")
    ]


def test_payment_entries_are_canonical_json_even_for_awkward_external_ids(
    session: Session, make_loan: LoanFactory
) -> None:
    import json

    from fairdebt.audit import canonical_json, verify

    loan = make_loan("PC", overpayment="credit")
    ids = ['PAY "1"', "PAY\\2", "付款-3", "PAY\t4"]
    with tx(session):
        post_payments(
            session,
            payments=[
                PaymentIn(i, loan.external_id, Decimal(amount), dt.date(2026, 2, 10))
                for i, amount in zip(ids, ["0.05", "100.00", "5000.00", "12.30"], strict=True)
            ],
            actor=ACTOR,
            at=AT,
        )
    texts = session.scalars(
        select(AuditEntry.data).where(AuditEntry.action == "payment.posted")
    ).all()
    assert sorted(json.loads(t)["external_id"] for t in texts) == sorted(ids)
    assert all(canonical_json(json.loads(t)) == t for t in texts)
    assert verify(session).ok
