"""Ledger invariants on a real database: the installment columns are exactly the dated rows."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.ledger.installments import COMPONENTS
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.payments import PaymentIn, post_payments
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import AllocationLine, Installment, Loan, Payment, Product

from .conftest import ACTOR, AT, START, add_product, tx

_ids = itertools.count()
payment = st.tuples(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2),
    st.integers(min_value=0, max_value=200),
    st.booleans(),
)


def _check_cache_matches_rows(session: Session, loan_id: int) -> None:
    rows = session.scalars(select(Installment).where(Installment.loan_id == loan_id)).all()
    lines = dict(
        ((i, c), a)
        for i, c, a in session.execute(
            select(
                AllocationLine.installment_id,
                AllocationLine.component,
                func.sum(AllocationLine.amount),
            )
            .where(AllocationLine.loan_id == loan_id)
            .group_by(AllocationLine.installment_id, AllocationLine.component)
        )
    )
    for row in rows:
        for component in COMPONENTS:
            paid = getattr(row, f"{component}_paid")
            assert paid == Decimal(lines.get((row.id, component), 0)).quantize(Decimal("0.01"))
            assert paid <= getattr(row, f"{component}_due")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payments=st.lists(payment, min_size=1, max_size=6),
    overpayment=st.sampled_from(["prepay", "credit"]),
)
def test_posting_and_reversing_any_payments_keeps_the_books_balanced(
    session: Session, borrower_id: int, payments: list[tuple[Decimal, int, bool]], overpayment: str
) -> None:
    n = next(_ids)
    code = f"PR{overpayment}"
    with tx(session):
        if session.scalar(select(Product.id).where(Product.code == code)) is None:
            add_product(session, code, overpayment=overpayment)
        loan = disburse(
            session,
            loan=LoanIn(f"L-P{n}", borrower_id, code, Decimal("1500.00"), 3, START),
            actor=ACTOR,
            at=AT,
        )
        posted = [
            PaymentIn(f"X{n}-{k}", loan.external_id, amount, START + dt.timedelta(days=day))
            for k, (amount, day, _) in enumerate(payments)
        ]
        results = post_payments(session, payments=posted, actor=ACTOR, at=AT)
        for result, (amount, _, _) in zip(results, payments, strict=True):
            assert result.allocated_amount + result.prepaid_amount + result.credit_amount == amount
        # Reverse the flagged ones, latest first, as a lender's chargebacks arrive.
        for payment_in, (_, _, flagged) in reversed(list(zip(posted, payments, strict=True))):
            if flagged:
                reverse_payment(
                    session,
                    external_id=payment_in.external_id,
                    reversed_on=START + dt.timedelta(days=201),
                    reason="chargeback",
                    actor=ACTOR,
                    at=AT,
                )
    _check_cache_matches_rows(session, loan.id)
    kept = [amount for amount, _, flagged in payments if not flagged]
    lines = session.scalar(
        select(func.coalesce(func.sum(AllocationLine.amount), 0)).where(
            AllocationLine.loan_id == loan.id
        )
    )
    credit = session.scalar(select(Loan.credit_amount).where(Loan.id == loan.id))
    assert Decimal(lines).quantize(Decimal("0.01")) + credit == sum(kept, Decimal("0.00"))
    statuses = session.scalars(select(Payment.status).where(Payment.loan_id == loan.id)).all()
    assert statuses.count("reversed") == sum(1 for *_, flagged in payments if flagged)
