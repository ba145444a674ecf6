"""Repayment schedules: pure functions from a contract to its list of dues.

Three methods, as Chinese consumer lenders write them: equal installments (等额本息, a level
payment of principal plus interest), equal principal (等额本金, a level principal part and
falling interest) and bullet (按月付息、到期还本: interest monthly, all principal at the end).
Interest is the nominal annual rate over 12 on the opening balance of each month; the monthly
fee is the product's fee rate on the original principal. Everything is exact Decimal rounded
half up to the cent, and principal parts always add up to the principal exactly: the rounding
remainder falls on the last installment. Dues fall monthly on the disbursement day, clamped to
the end of shorter months (31 January -> 28/29 February -> 31 March).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from fairdebt.errors import InputError
from fairdebt.models import RepaymentMethod
from fairdebt.money import CENT, ZERO, to_money

__all__ = ["ScheduleLine", "add_months", "build_schedule", "level_payment", "schedule_rows"]


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One due of a schedule, before it is written as an Installment row."""

    seq: int
    due_on: dt.date
    principal_due: Decimal
    interest_due: Decimal
    fee_due: Decimal


def add_months(start: dt.date, months: int, *, day: int | None = None) -> dt.date:
    """The date ``months`` later on the same day of month, clamped to the month's end.

    >>> add_months(dt.date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    >>> add_months(dt.date(2026, 1, 31), 2)
    datetime.date(2026, 3, 31)
    """
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day or start.day, last))


def level_payment(principal: Decimal, monthly_rate: Decimal, term_months: int) -> Decimal:
    """The 等额本息 monthly payment of principal plus interest, rounded to the cent.

    >>> level_payment(Decimal("12000.00"), Decimal("0.01"), 12)
    Decimal('1066.19')
    >>> level_payment(Decimal("100.00"), Decimal(0), 3)
    Decimal('33.33')
    """
    if monthly_rate == 0:
        return (principal / term_months).quantize(CENT, rounding=ROUND_HALF_UP)
    growth = (1 + monthly_rate) ** term_months
    return to_money(principal * monthly_rate * growth / (growth - 1))


def _check(principal_amount: Decimal, annual_rate: Decimal, term_months: int) -> None:
    if principal_amount <= 0:
        raise InputError(
            f"must be a positive amount (got {principal_amount})", field="principal_amount"
        )
    if annual_rate < 0:
        raise InputError(f"must not be negative (got {annual_rate})", field="annual_rate")
    if term_months < 1:
        raise InputError(f"must be at least 1 (got {term_months})", field="term_months")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@cache
def _due_dates(disbursed_on: dt.date, term_months: int) -> tuple[dt.date, ...]:
    # Cached: a book has a few hundred distinct (date, term) pairs for millions of loans.
    return tuple(add_months(disbursed_on, seq) for seq in range(1, term_months + 1))


def _parts_and_interest(
    principal: Decimal,
    monthly_rate: Decimal,
    term_months: int,
    method: str,
    monthly_cap: Decimal | None = None,
) -> tuple[list[Decimal], list[Decimal]]:
    """Principal part and interest of each month, interest on the month's opening balance.

    Interest is rounded half up, but never above ``monthly_cap`` of the balance rounded down:
    half up on an awkward balance charges more than the rate (¥4.25 at 2 % a month is 0.085,
    and 0.09 is 25.41 % a year), which would put a loan priced at its legal cap above it.
    """

    def _owed(balance: Decimal) -> Decimal:
        owed = _cents(balance * monthly_rate)
        if monthly_cap is None:
            return owed
        return min(owed, (balance * monthly_cap).quantize(CENT, rounding=ROUND_DOWN))

    if method == RepaymentMethod.EQUAL_PRINCIPAL:
        # Rounded down, not half up: money.split_evenly can leave a negative last part
        # when the principal is a few cents over many months (0.02 over 4).
        each = (principal / term_months).quantize(CENT, rounding=ROUND_DOWN)
        parts = [each] * (term_months - 1) + [principal - each * (term_months - 1)]
    elif method == RepaymentMethod.BULLET:
        parts = [ZERO] * (term_months - 1) + [principal]
    elif method == RepaymentMethod.EQUAL_INSTALLMENT:
        payment = level_payment(principal, monthly_rate, term_months)
        parts, interest = [], []
        balance = principal
        for _ in range(term_months - 1):
            owed = _owed(balance)
            part = min(max(payment - owed, ZERO), balance)
            parts.append(part)
            interest.append(owed)
            balance -= part
        return [*parts, balance], [*interest, _owed(balance)]
    else:
        expected = ", ".join(m.value for m in RepaymentMethod)
        raise InputError(f"must be one of {expected} (got {method!r})", field="repayment_method")
    interest = []
    balance = principal
    for part in parts:
        interest.append(_owed(balance))
        balance -= part
    return parts, interest


@lru_cache(maxsize=1 << 16)
def _amounts(
    principal: Decimal,
    monthly_rate: Decimal,
    term_months: int,
    method: str,
    fee: Decimal,
    monthly_cap: Decimal | None,
) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    # Cached: a book repeats the same (principal, rate, term) contracts thousands of times.
    # Values, not representations, decide every amount (all are quantised to the cent), so
    # Decimal's equal-hash-for-equal-value keys are safe.
    parts, interest = _parts_and_interest(principal, monthly_rate, term_months, method, monthly_cap)
    return tuple((part, owed, fee) for part, owed in zip(parts, interest, strict=True))


def schedule_rows(
    *,
    principal_amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    method: str,
    disbursed_on: dt.date,
    monthly_fee_rate: Decimal = Decimal(0),
    cap_rate: Decimal | None = None,
) -> list[tuple[int, dt.date, Decimal, Decimal, Decimal]]:
    """:func:`build_schedule` as plain (seq, due_on, principal, interest, fee) tuples.

    The bulk disbursement path writes these straight to the database, skipping a
    :class:`ScheduleLine` object per due. ``cap_rate`` (the loan's legal cap, a year) bounds
    each month's interest to the cap on its balance, rounded down (see _parts_and_interest).

    >>> schedule_rows(principal_amount=Decimal("100.00"), annual_rate=Decimal(0),
    ...     term_months=1, method="bullet", disbursed_on=dt.date(2026, 1, 31))
    [(1, datetime.date(2026, 2, 28), Decimal('100.00'), Decimal('0.00'), Decimal('0.00'))]
    """
    _check(principal_amount, annual_rate, term_months)
    principal = to_money(principal_amount)
    monthly_rate = Decimal(annual_rate) / 12
    fee = to_money(principal * Decimal(monthly_fee_rate))
    monthly_cap = None if cap_rate is None else Decimal(cap_rate) / 12
    amounts = _amounts(principal, monthly_rate, term_months, str(method), fee, monthly_cap)
    dates = _due_dates(disbursed_on, term_months)
    return [
        (seq, dates[seq - 1], part, owed, fee_due)
        for seq, (part, owed, fee_due) in enumerate(amounts, start=1)
    ]


def build_schedule(
    *,
    principal_amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    method: str,
    disbursed_on: dt.date,
    monthly_fee_rate: Decimal = Decimal(0),
) -> list[ScheduleLine]:
    """The schedule of a loan; principal parts sum to the principal exactly.

    >>> lines = build_schedule(principal_amount=Decimal("1000.00"), annual_rate=Decimal("0.12"),
    ...     term_months=3, method="equal_installment", disbursed_on=dt.date(2026, 1, 31))
    >>> for x in lines: print(x.due_on, x.principal_due, x.interest_due)
    2026-02-28 330.02 10.00
    2026-03-31 333.32 6.70
    2026-04-30 336.66 3.37
    >>> sum(x.principal_due for x in lines)
    Decimal('1000.00')
    """
    rows = schedule_rows(
        principal_amount=principal_amount,
        annual_rate=annual_rate,
        term_months=term_months,
        method=method,
        disbursed_on=disbursed_on,
        monthly_fee_rate=monthly_fee_rate,
    )
    return [ScheduleLine(*row) for row in rows]
