"""The pure waterfall: money is conserved to the cent, and reversal undoes it exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fairdebt.ledger.allocation import allocate, waterfall_cents
from fairdebt.ledger.installments import InstallmentState
from fairdebt.ledger.schedules import build_schedule

START = dt.date(2026, 1, 15)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)


def _states(principal: Decimal, term: int, method: str, fee: Decimal) -> list[InstallmentState]:
    lines = build_schedule(
        principal_amount=principal,
        annual_rate=Decimal("0.18"),
        term_months=term,
        method=method,
        disbursed_on=START,
        monthly_fee_rate=fee,
    )
    return [
        InstallmentState(
            id=line.seq,
            loan_id=1,
            seq=line.seq,
            due_on=line.due_on,
            due={
                "principal": line.principal_due,
                "interest": line.interest_due,
                "fee": line.fee_due,
            },
        )
        for line in lines
    ]


def _apply(
    states: list[InstallmentState], lines: tuple[tuple[int, str, Decimal], ...], sign: int
) -> None:
    by_id = {s.id: s for s in states}
    for installment_id, component, amount in lines:
        by_id[installment_id].paid[component] += sign * amount


@given(
    principal=st.decimals(min_value=Decimal("100"), max_value=Decimal("50000"), places=2),
    term=st.integers(min_value=1, max_value=12),
    method=st.sampled_from(["equal_installment", "equal_principal", "bullet"]),
    fee=st.sampled_from([Decimal(0), Decimal("0.005")]),
    overpayment=st.sampled_from(["prepay", "credit"]),
    payments=st.lists(st.tuples(money, st.integers(min_value=0, max_value=400)), max_size=12),
)
def test_allocated_plus_prepaid_plus_credit_equals_paid_to_the_cent(
    principal: Decimal,
    term: int,
    method: str,
    fee: Decimal,
    overpayment: str,
    payments: list[tuple[Decimal, int]],
) -> None:
    states = _states(principal, term, method, fee)
    owed_before = sum(s.total_outstanding() for s in states)
    taken = Decimal(0)
    for amount, day in sorted(payments, key=lambda p: p[1]):
        result = allocate(
            amount=amount,
            paid_on=START + dt.timedelta(days=day),
            installments=states,
            overpayment=overpayment,
        )
        assert result.allocated_amount + result.prepaid_amount + result.credit_amount == amount
        assert sum(part for _, _, part in result.lines) == amount - result.credit_amount
        assert min((part for _, _, part in result.lines), default=Decimal(1)) > 0
        _apply(states, result.lines, +1)
        taken += amount - result.credit_amount
        assert all(s.outstanding(c) >= 0 for s in states for c in s.due)
    assert sum(s.total_outstanding() for s in states) == owed_before - taken


@given(
    principal=st.decimals(min_value=Decimal("100"), max_value=Decimal("50000"), places=2),
    first=money,
    second=money,
)
def test_undoing_a_payments_lines_restores_the_installments_exactly(
    principal: Decimal, first: Decimal, second: Decimal
) -> None:
    states = _states(principal, 6, "equal_installment", Decimal(0))
    _apply(
        states,
        allocate(amount=first, paid_on=START + dt.timedelta(days=40), installments=states).lines,
        +1,
    )
    before = [s.snapshot() for s in states]
    later = allocate(amount=second, paid_on=START + dt.timedelta(days=70), installments=states)
    _apply(states, later.lines, +1)
    _apply(states, later.lines, -1)
    assert [s.snapshot() for s in states] == before


def _two_dues() -> list[InstallmentState]:
    due = {
        "penalty": Decimal(1),
        "fee": Decimal(2),
        "interest": Decimal(3),
        "principal": Decimal(4),
    }
    return [
        InstallmentState(id=2, loan_id=1, seq=2, due_on=dt.date(2026, 3, 15), due=dict(due)),
        InstallmentState(id=1, loan_id=1, seq=1, due_on=dt.date(2026, 2, 15), due=dict(due)),
    ]


def test_the_oldest_due_is_paid_first_penalty_fee_interest_then_principal() -> None:
    result = allocate(amount=Decimal(12), paid_on=dt.date(2026, 3, 20), installments=_two_dues())
    assert [(i, c) for i, c, _ in result.lines] == [
        (1, "penalty"),
        (1, "fee"),
        (1, "interest"),
        (1, "principal"),
        (2, "penalty"),
        (2, "fee"),
    ]
    assert result.lines[-1][2] == Decimal(1)


def test_a_product_order_with_principal_first_is_followed_within_a_due() -> None:
    result = allocate(
        amount=Decimal(5),
        paid_on=dt.date(2026, 3, 20),
        installments=_two_dues(),
        order=("principal", "interest", "fee", "penalty"),
    )
    assert result.lines == ((1, "principal", Decimal(4)), (1, "interest", Decimal(1)))


def test_an_early_payment_pays_the_next_due_as_current_not_as_prepayment() -> None:
    result = allocate(amount=Decimal(10), paid_on=dt.date(2026, 2, 10), installments=_two_dues())
    assert result.allocated_amount == Decimal(10)
    assert result.prepaid_amount == 0


def test_money_beyond_the_current_due_is_prepaid_or_credited_per_product() -> None:
    prepay = allocate(amount=Decimal(25), paid_on=dt.date(2026, 2, 10), installments=_two_dues())
    assert (prepay.allocated_amount, prepay.prepaid_amount, prepay.credit_amount) == (10, 10, 5)
    credit = allocate(
        amount=Decimal(25),
        paid_on=dt.date(2026, 2, 10),
        installments=_two_dues(),
        overpayment="credit",
    )
    assert (credit.allocated_amount, credit.prepaid_amount, credit.credit_amount) == (10, 0, 15)


@given(
    principal=st.decimals(min_value=Decimal("100"), max_value=Decimal("50000"), places=2),
    term=st.integers(min_value=1, max_value=12),
    method=st.sampled_from(["equal_installment", "equal_principal", "bullet"]),
    overpayment=st.sampled_from(["prepay", "credit"]),
    order=st.permutations(["penalty", "fee", "interest", "principal"]),
    payments=st.lists(st.tuples(money, st.integers(min_value=0, max_value=400)), max_size=12),
)
def test_the_bulk_paths_integer_cents_waterfall_splits_exactly_like_allocate(
    principal: Decimal,
    term: int,
    method: str,
    overpayment: str,
    order: list[str],
    payments: list[tuple[Decimal, int]],
) -> None:
    # post_payments runs the waterfall in integer cents; allocate is the Decimal reference.
    from fairdebt.ledger.installments import COMPONENTS, OpenDue

    states = _states(principal, term, method, Decimal("0.005"))
    dues = [
        OpenDue(s.id, s.due_on.isoformat(), [int(s.due[c] * 100) for c in COMPONENTS], [0] * 4)
        for s in states
    ]
    index = tuple(COMPONENTS.index(c) for c in order)
    for amount, day in sorted(payments, key=lambda p: p[1]):
        paid_on = START + dt.timedelta(days=day)
        expected = allocate(
            amount=amount,
            paid_on=paid_on,
            installments=states,
            order=order,
            overpayment=overpayment,
        )
        got = waterfall_cents(
            int(amount * 100), paid_on.isoformat(), dues, index, overpayment == "credit"
        )
        assert [(i, COMPONENTS[c], Decimal(p) / 100) for i, c, p in got.lines] == list(
            expected.lines
        )
        assert (got.allocated, got.prepaid, got.credit) == tuple(
            int(x * 100)
            for x in (expected.allocated_amount, expected.prepaid_amount, expected.credit_amount)
        )
        _apply(states, expected.lines, +1)
