"""Schedules: principal is never lost or invented, and dues fall on the disbursement day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairdebt.errors import InputError
from fairdebt.ledger.schedules import build_schedule

METHODS = ["equal_installment", "equal_principal", "bullet"]


@given(
    principal=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2),
    rate=st.decimals(min_value=Decimal(0), max_value=Decimal("0.36"), places=4),
    term=st.integers(min_value=1, max_value=36),
    method=st.sampled_from(METHODS),
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_schedule_principal_sums_to_the_principal_for_every_method(
    principal: Decimal, rate: Decimal, term: int, method: str, day: dt.date
) -> None:
    lines = build_schedule(
        principal_amount=principal,
        annual_rate=rate,
        term_months=term,
        method=method,
        disbursed_on=day,
    )
    assert sum(line.principal_due for line in lines) == principal
    assert len(lines) == term
    assert all(line.principal_due >= 0 and line.interest_due >= 0 for line in lines)
    assert [line.due_on for line in lines] == sorted({line.due_on for line in lines})


def test_equal_installments_pay_the_same_amount_each_month_but_the_last() -> None:
    lines = build_schedule(
        principal_amount=Decimal("12000.00"),
        annual_rate=Decimal("0.12"),
        term_months=12,
        method="equal_installment",
        disbursed_on=dt.date(2026, 1, 10),
    )
    totals = {line.principal_due + line.interest_due for line in lines[:-1]}
    assert totals == {Decimal("1066.19")}
    assert abs(lines[-1].principal_due + lines[-1].interest_due - Decimal("1066.19")) < 1


def test_equal_principal_interest_falls_month_by_month() -> None:
    lines = build_schedule(
        principal_amount=Decimal("900.00"),
        annual_rate=Decimal("0.12"),
        term_months=3,
        method="equal_principal",
        disbursed_on=dt.date(2026, 1, 10),
    )
    assert [line.principal_due for line in lines] == [Decimal("300.00")] * 3
    assert [line.interest_due for line in lines] == [Decimal(x) for x in ("9.00", "6.00", "3.00")]


def test_bullet_pays_interest_monthly_and_principal_at_the_end() -> None:
    lines = build_schedule(
        principal_amount=Decimal("1000.00"),
        annual_rate=Decimal("0.12"),
        term_months=3,
        method="bullet",
        disbursed_on=dt.date(2026, 1, 31),
        monthly_fee_rate=Decimal("0.001"),
    )
    assert [line.principal_due for line in lines] == [Decimal(0), Decimal(0), Decimal("1000.00")]
    assert {line.interest_due for line in lines} == {Decimal("10.00")}
    assert {line.fee_due for line in lines} == {Decimal("1.00")}
    assert [line.due_on for line in lines] == [
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
    ]


def test_an_unknown_method_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="repayment_method"):
        build_schedule(
            principal_amount=Decimal(100),
            annual_rate=Decimal("0.1"),
            term_months=3,
            method="balloon",
            disbursed_on=dt.date(2026, 1, 1),
        )
