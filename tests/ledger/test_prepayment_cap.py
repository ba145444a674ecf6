"""No prepayment makes a loan cost more than its legal cap (issue 10, items 2 and 3).

The defect: a partial prepayment rescheduled the principal left with each due's interest
rounded half up, so on a small or awkward balance a due charged more than the contract rate
(¥99.92 at 2 % a month is 1.9984; 2.00 is 24.02 % a year) and a loan priced at its cap ran
above it from the day after the prepayment. Rescheduled interest is now rounded down.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import RuleViolation
from fairdebt.ledger.costs import running_costs
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.payments import PaymentIn
from fairdebt.ledger.prepayments import payoff_quote, prepay
from fairdebt.models import Installment, Loan, Product

from .conftest import ACTOR, AT, START, LoanFactory, add_product, tx


def _worst_cost(session: Session, loan: Loan, days: list[dt.date]) -> tuple[Decimal, dt.date]:
    worst = (Decimal(0), START)
    with tx(session):
        for day in days:
            (cost,) = running_costs(session, loan_ids=[loan.id], business_date=day)
            if cost.annual_rate is not None and cost.annual_rate > worst[0]:
                worst = (cost.annual_rate, day)
    return worst


def test_a_tiny_prepayment_on_the_disbursement_day_keeps_a_loan_at_its_cap(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("CAP24", principal="100.00", annual_rate=Decimal("0.24"))
    with tx(session):
        result = prepay(
            session,
            payment=PaymentIn("PRE-1", loan.external_id, Decimal("0.08"), START),
            actor=ACTOR,
            at=AT,
        )
    assert result.kind == "partial"
    first = session.scalars(
        select(Installment.interest_due)
        .where(Installment.loan_id == loan.id, Installment.superseded_on.is_(None))
        .order_by(Installment.due_on, Installment.seq)
    ).all()
    # 99.92 × 2 % = 1.9984: rounded down to 1.99, not up to 2.00 (24.02 % a year).
    assert first[1] == Decimal("1.99")
    worst, _ = _worst_cost(session, loan, [START + dt.timedelta(days=k) for k in range(95)])
    assert worst <= Decimal("0.2400")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    principal=st.integers(min_value=100, max_value=2_000_000).map(lambda c: Decimal(c) / 100),
    rate=st.sampled_from([Decimal("0.24"), Decimal("0.18"), Decimal("0.0365")]),
    term=st.sampled_from([1, 3, 6, 12]),
    day=st.integers(min_value=0, max_value=120),
    share=st.integers(min_value=1, max_value=10_000),
    mode=st.sampled_from(["lower_instalment", "shorten_term"]),
    fee=st.sampled_from([None, Decimal("0.02")]),
)
def test_no_prepayment_of_any_amount_on_any_day_makes_a_loan_run_above_its_cap(
    session: Session,
    borrower_id: int,
    principal: Decimal,
    rate: Decimal,
    term: int,
    day: int,
    share: int,
    mode: str,
    fee: Decimal | None,
) -> None:
    code = f"H-{rate}-{mode}-{fee}"
    with tx(session):
        if session.scalar(select(Product.id).where(Product.code == code)) is None:
            add_product(
                session,
                code,
                annual_rate=rate,
                partial_prepayment=mode,
                prepayment_fee_rate=fee,
                penalty_daily_rate=Decimal(0),
            )
        external = f"HL-{next(_COUNTER)}"
        loan = disburse(
            session,
            loan=LoanIn(external, borrower_id, code, principal, term, START),
            actor=ACTOR,
            at=AT,
        )
    on = START + dt.timedelta(days=min(day, 28 * term))
    with tx(session):
        quote = payoff_quote(session, loan_external_id=external, on=on)
    # Anything from a cent beyond what is due by the date up to the whole payoff.
    due_by_then = quote.overdue_amount + quote.interest_amount + quote.fee_amount
    beyond = max(quote.total_amount - due_by_then, Decimal("0.01"))
    amount = due_by_then + max(Decimal("0.01"), (beyond * share / 10_000).quantize(Decimal("0.01")))
    try:
        with tx(session):
            prepay(
                session,
                payment=PaymentIn(f"P-{external}", external, amount, on),
                actor=ACTOR,
                at=AT,
            )
    except RuleViolation:
        return  # nothing falls due after the date: not a prepayment
    # The day of the prepayment, the next, then every fourth day to a few days past the end.
    days = [on, on + dt.timedelta(days=1)]
    days += [START + dt.timedelta(days=k) for k in range(0, 31 * term + 5, 4)]
    worst, when = _worst_cost(session, loan, days)
    assert worst <= Decimal("0.2400"), (principal, rate, term, on, amount, when)


_COUNTER = itertools.count(1)
