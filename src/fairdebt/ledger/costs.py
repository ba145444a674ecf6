"""What a loan costs the borrower a year, by the IRR method, and the room left under its legal cap.

The PBOC's announcement on disclosing annualised loan rates (中国人民银行公告〔2021〕第3号, 31 March
2021) defines the rate as every cost charged to the borrower (interest and the fees directly
related to the loan) over the principal the borrower actually holds: with instalments, the
principal left after each period's repayment. Its compound method is the internal rate of return
(内部收益率法), annualised in its own worked example as 12 × the monthly IRR. Here:

* **contract cost** (:func:`contract_cost_rate`): 12 × the monthly IRR of a contract's schedule,
  periods as the schedule's months. A product at 12 % a year plus a 1 %-a-month fee on the
  original principal costs 32.76 % over 12 months, not the "24 %" of 12 % + 12 × 1 %.
* **running cost** (:func:`running_costs`): the same IRR on the loan's own history up to a
  business date: the principal lent, every amount applied to it (allocation lines, reversals
  negative), and what it owes on that date as the closing flow. What it owes counts interest and
  fees already due, penalties accrued, and the current period's scheduled interest and fee pro
  rata (so that penalties granted mid-month cannot use room the next due's interest needs).
* **cap room** (:func:`penalty_room_cents`): the most that may still be charged on a date with
  the running cost at or under the cap. With the cap's growth factor ``V`` the loan's IRR is at
  most the cap exactly when ``owed <= P·V(T) − Σ paid·V(T)/V(τ)``, because the value of a loan's
  flows falls as the rate rises; room is the difference, in whole cents, rounded down.

Time runs on the **month clock** of the schedule (:func:`month_clock`): the k-th monthly
anniversary of disbursement (clamped to the month's end, as dues are) is time k, and a date
between two anniversaries is the fraction of that month's days gone. Growth compounds at each
anniversary and is simple within a month, so a contract priced exactly at its cap runs exactly at
its cap on every date, February or not. An amount paid towards a due before its due date counts
on the due date (the announcement measures principal after each period's repayment), so paying a
due early never makes its interest look dearer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from fairdebt.db import NEVER_DAY, cents_sql, fetch_for_ids, get_or_raise
from fairdebt.errors import RuleViolation, UnknownRecord
from fairdebt.ledger.schedules import schedule_rows
from fairdebt.models import Loan, Product

__all__ = [
    "CHECKED_TERMS",
    "CostFigures",
    "ProjectedCost",
    "contract_cost_rate",
    "growth",
    "loan_cost",
    "month_clock",
    "penalty_room_cents",
    "projected_cost",
    "rate_figure",
    "running_costs",
    "worst_contract_cost",
]

# Terms a product's contractual cost is checked over when it is created (a product has no term
# of its own; Chinese online consumer loans run 1 to 36 months).
CHECKED_TERMS = range(1, 37)
# The contract IRR is measured on a large principal so that cent rounding of the schedule does
# not move the figure (at 1,000,000.00 a cent is 1e-8 of the principal).
_NOMINAL = Decimal("1000000.00")
_FIGURE = Decimal("0.0001")
# Bisection bounds of the annual rate: a monthly factor above 0, and 100 000 % a year.
_LOW, _HIGH = -11.999, 1000.0


def rate_figure(rate: float) -> Decimal:
    """An annual rate as the figure shown and compared: a decimal to 0.01 %, half up.

    >>> rate_figure(0.327582009), rate_figure(0.24)
    (Decimal('0.3276'), Decimal('0.2400'))
    """
    return Decimal(repr(float(rate))).quantize(_FIGURE, rounding=ROUND_HALF_UP)


def _monthly_irr(principal: float, flows: np.ndarray) -> float:
    """The monthly IRR of lending ``principal`` at time 0 and receiving ``flows[k-1]`` at k."""
    periods = np.arange(1, len(flows) + 1, dtype=np.float64)
    low, high = _LOW / 12, _HIGH / 12
    for _ in range(200):
        mid = (low + high) / 2
        value = float(np.sum(flows / (1 + mid) ** periods)) - principal
        low, high = (mid, high) if value > 0 else (low, mid)
        if high - low < 1e-15:
            break
    return (low + high) / 2


@lru_cache(maxsize=4096)
def contract_cost_rate(
    *, annual_rate: Decimal, monthly_fee_rate: Decimal, term_months: int, method: str
) -> Decimal:
    """12 × the monthly IRR of a contract's schedule (interest and fee), as a figure.

    >>> contract_cost_rate(annual_rate=Decimal("0.12"), monthly_fee_rate=Decimal("0.01"),
    ...                    term_months=12, method="equal_installment")
    Decimal('0.3276')
    >>> contract_cost_rate(annual_rate=Decimal("0.24"), monthly_fee_rate=Decimal(0),
    ...                    term_months=12, method="equal_installment")
    Decimal('0.2400')
    """
    if Decimal(monthly_fee_rate) == 0:
        # Interest at rate / 12 on each month's opening balance, nothing else: the IRR is the
        # rate itself (every method here), so no schedule is built (loan tapes price each loan).
        return rate_figure(float(annual_rate))
    rows = schedule_rows(
        principal_amount=_NOMINAL,
        annual_rate=Decimal(annual_rate),
        term_months=term_months,
        method=method,
        disbursed_on=dt.date(2000, 1, 1),
        monthly_fee_rate=Decimal(monthly_fee_rate),
    )
    flows = np.array([float(p + i + f) for _, _, p, i, f in rows], dtype=np.float64)
    return rate_figure(12 * _monthly_irr(float(_NOMINAL), flows))


def worst_contract_cost(
    *,
    annual_rate: Decimal,
    monthly_fee_rate: Decimal,
    method: str,
    terms: Iterable[int] = CHECKED_TERMS,
) -> tuple[Decimal, int]:
    """The highest contract cost over ``terms`` and the term it falls on (the shortest of ties).

    A flat fee on the original principal costs more the longer the principal is repaid while the
    fee is not: the 12 % + 1 % product costs 24.00 % over one month and 32.76 % over twelve.

    >>> worst_contract_cost(annual_rate=Decimal("0.12"), monthly_fee_rate=Decimal("0.01"),
    ...                     method="equal_installment", terms=[1, 12])
    (Decimal('0.3276'), 12)
    """
    worst: tuple[Decimal, int] | None = None
    for term in terms:
        cost = contract_cost_rate(
            annual_rate=Decimal(annual_rate),
            monthly_fee_rate=Decimal(monthly_fee_rate),
            term_months=term,
            method=method,
        )
        if worst is None or cost > worst[0]:
            worst = (cost, term)
    if worst is None:
        raise ValueError("no term to check")
    return worst


def _anniversary(start_month: np.ndarray, months: np.ndarray, day: np.ndarray) -> np.ndarray:
    month = start_month + months.astype("timedelta64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    result: np.ndarray = first + (np.minimum(day, length) - 1).astype("timedelta64[D]")
    return result


def month_clock(start: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Months from ``start`` to ``on`` on the schedule's clock (anniversaries are whole numbers).

    >>> days = np.array(["2026-02-28", "2026-03-15", "2026-03-31"], dtype="datetime64[D]")
    >>> month_clock(np.full(3, np.datetime64("2026-01-31")), days).round(4).tolist()
    [1.0, 1.4839, 2.0]
    """
    start = np.asarray(start, dtype="datetime64[D]")
    on = np.asarray(on, dtype="datetime64[D]")
    start_month = start.astype("datetime64[M]")
    day = (start - start_month.astype("datetime64[D]")).astype(np.int64) + 1
    months = (on.astype("datetime64[M]") - start_month).astype(np.int64)
    months = np.where(_anniversary(start_month, months, day) > on, months - 1, months)
    this = _anniversary(start_month, months, day)
    following = _anniversary(start_month, months + 1, day)
    gone = (on - this).astype(np.int64) / (following - this).astype(np.int64)
    result: np.ndarray = months + gone
    return result


def growth(annual_rate: np.ndarray | float, clock: np.ndarray) -> np.ndarray:
    """What 1 lent at time 0 has grown to at ``clock`` (months) at ``annual_rate``.

    Compound at each monthly anniversary, simple within a month.

    >>> growth(0.24, np.array([0.0, 0.5, 1.0, 2.0])).round(6).tolist()
    [1.0, 1.01, 1.02, 1.0404]
    """
    monthly = np.asarray(annual_rate, dtype=np.float64) / 12
    whole = np.floor(clock)
    result: np.ndarray = (1 + monthly) ** whole * (1 + monthly * (clock - whole))
    return result


_LOANS_SQL = f"""
SELECT l.id, {cents_sql("l.principal_amount")}, DAYNUM(l.disbursed_on),
       CAST(ROUND(l.cost_cap_rate * 100000000) AS BIGINT)
FROM loan l JOIN ({{ids}}) k ON k.loan_id = l.id
"""
# Money applied to the loan, by the date it counts: an amount paid towards a due before the
# due date counts on the due date.
_PAID_SQL = f"""
SELECT a.loan_id, DAYNUM(a.effective_on), DAYNUM(i.due_on), {cents_sql("SUM(a.amount)")}
FROM allocation_line a JOIN ({{ids}}) k ON k.loan_id = a.loan_id
JOIN installment i ON i.id = a.installment_id
WHERE a.effective_on <= :day
GROUP BY a.loan_id, a.effective_on, i.due_on
"""
# Every schedule row that existed by the date, with its interest and fee and the penalties it
# has accrued (``penalty_due`` is the running sum of its penalty accruals).
_ROWS_SQL = f"""
SELECT i.loan_id, DAYNUM(i.due_on), DAYNUM(i.created_on), DAYNUM(i.superseded_on),
       {cents_sql("i.interest_due + i.fee_due")}, {cents_sql("i.penalty_due")}
FROM installment i JOIN ({{ids}}) k ON k.loan_id = i.loan_id
WHERE i.created_on <= :day
"""
# Corrections to those rows as of the date: penalties accrued after it (a past date asked
# again) and waivers of any part up to it. The accrual part seeks the (installment, component,
# date) key rather than reading every daily accrual of the loan. Penalties are the only
# accruals any verb writes; another kind must grow its own cache column and be counted here.
_ADJUSTED_SQL = f"""
SELECT i.loan_id, -{cents_sql("SUM(a.amount)")}
FROM ({{ids}}) k JOIN installment i ON i.loan_id = k.loan_id
JOIN accrual a ON a.installment_id = i.id AND a.component = 'penalty' AND a.accrued_on > :day
GROUP BY i.loan_id
UNION ALL
SELECT w.loan_id, -{cents_sql("SUM(w.amount)")}
FROM waiver w JOIN ({{ids}}) k ON k.loan_id = w.loan_id
WHERE w.waived_on <= :day GROUP BY w.loan_id
"""


def _query(session: Session, sql: str, loan_ids: Sequence[int], day: dt.date) -> list[Any]:
    """Run one of the queries above for ``loan_ids`` as of ``day`` (see db.fetch_for_ids)."""
    return fetch_for_ids(session, sql, loan_ids, day=day)


def _days(values: Sequence[Any]) -> np.ndarray:
    """Day numbers (from the DAYNUM columns) as dates."""
    return np.array(values, dtype=np.int64).astype("datetime64[D]")


@dataclass(frozen=True, slots=True)
class _Book:
    """The cost inputs of some loans on one date, as NumPy columns (cents, months).

    One entry per loan (``loan_id`` ascending): ``principal``, ``start``, ``cap``, ``clock`` (the
    date on the month clock), ``owed``; one per paid amount: ``paid_at`` (the loan's position),
    ``paid_clock``, ``paid_cents``.
    """

    loan_id: np.ndarray
    principal: np.ndarray
    start: np.ndarray
    cap: np.ndarray
    clock: np.ndarray
    owed: np.ndarray
    paid_at: np.ndarray
    paid_clock: np.ndarray
    paid_cents: np.ndarray


def _columns(rows: Sequence[Any], width: int) -> list[Sequence[Any]]:
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _book(session: Session, loan_ids: Sequence[int], day: dt.date) -> _Book:
    ids = sorted({int(i) for i in loan_ids})
    c = _columns(sorted(_query(session, _LOANS_SQL, ids, day)), 4)
    loan_id = np.array(c[0], dtype=np.int64)
    start = _days(c[2])
    today = np.datetime64(day, "D")
    clock = month_clock(start, np.full(len(loan_id), today))

    p = _columns(_query(session, _PAID_SQL, ids, day), 4)
    paid_at = np.searchsorted(loan_id, np.array(p[0], dtype=np.int64))
    counts_on = np.minimum(np.maximum(_days(p[1]), _days(p[2])), today)
    paid_clock = month_clock(start[paid_at], counts_on)
    paid_cents = np.array(p[3], dtype=np.int64)

    charged = np.zeros(len(loan_id))
    for row_loan, cents in _query(session, _ADJUSTED_SQL, ids, day):
        charged[np.searchsorted(loan_id, int(row_loan))] += int(cents or 0)
    charged += _scheduled(session, ids, day, loan_id, start, clock)
    paid_total = np.bincount(paid_at, weights=paid_cents, minlength=len(loan_id))
    owed = np.array(c[1], dtype=np.float64) + charged - paid_total
    return _Book(
        loan_id,
        np.array(c[1], dtype=np.float64),
        start,
        np.array(c[3], dtype=np.float64) / 1e8,
        clock,
        owed,
        paid_at,
        paid_clock,
        paid_cents,
    )


def _scheduled(
    session: Session,
    ids: Sequence[int],
    day: dt.date,
    loan_id: np.ndarray,
    start: np.ndarray,
    clock: np.ndarray,
) -> np.ndarray:
    """Per loan: interest and fees fallen due, penalties accrued, and the current period's
    interest and fee pro rata, as of ``day`` (cents, before the corrections of _ADJUSTED_SQL)."""
    c = _columns(_query(session, _ROWS_SQL, ids, day), 6)
    where = np.searchsorted(loan_id, np.array(c[0], dtype=np.int64))
    due, created, superseded = _days(c[1]), _days(c[2]), _days(c[3])
    charge = np.array(c[4], dtype=np.float64)
    today = np.datetime64(day, "D")
    count = len(loan_id)
    fell = (due <= today) & (superseded > due)  # never superseded: a far day
    total = np.bincount(where, weights=np.where(fell, charge, 0), minlength=count)
    total += np.bincount(where, weights=np.array(c[5], dtype=np.float64), minlength=count)
    current = superseded > today
    # The current period: the next due of the schedule in force, from the previous due (or the
    # schedule's first day).
    ahead = current & (due > today)
    if not ahead.any():
        return total
    never = np.datetime64(NEVER_DAY, "D")
    upcoming = np.full(count, never)
    np.minimum.at(upcoming, where[ahead], due[ahead])
    nearest = ahead & (due == upcoming[where])
    period_charge = np.bincount(where[nearest], weights=charge[nearest], minlength=count)
    begun = np.full(count, np.datetime64(0, "D"))
    np.maximum.at(begun, where[nearest], created[nearest])
    behind = current & (due <= today)
    np.maximum.at(begun, where[behind], due[behind])
    has = upcoming != never
    began = month_clock(start[has], begun[has])
    ends = month_clock(start[has], upcoming[has])
    gone = np.clip((clock[has] - began) / np.maximum(ends - began, 1e-9), 0, 1)
    total[has] += period_charge[has] * gone
    return total


def _cap_balance(book: _Book, rate: np.ndarray) -> np.ndarray:
    """Per loan: the principal lent grown at ``rate`` less every paid amount grown likewise."""
    now = growth(rate, book.clock)
    at = book.paid_at
    grown = book.paid_cents * now[at] / growth(rate[at], book.paid_clock)
    returned = np.bincount(at, weights=grown, minlength=len(book.loan_id))
    result: np.ndarray = book.principal * now - returned
    return result


def penalty_room_cents(
    session: Session, *, loan_ids: Sequence[int], business_date: dt.date
) -> dict[int, int]:
    """Cents each loan may still be charged on ``business_date`` without passing its cap.

    Reads dated rows only (payments by effective date, accruals, waivers, schedule rows by their
    dates), so a past date gives the same answer whenever it is asked.
    """
    if not loan_ids:
        return {}
    book = _book(session, loan_ids, business_date)
    # 1e-6 of a cent: float noise on an exact fit must not grant a cent the law does not.
    room = np.floor(_cap_balance(book, book.cap) - book.owed + 1e-6)
    return dict(
        zip(book.loan_id.tolist(), np.maximum(room, 0).astype(np.int64).tolist(), strict=True)
    )


@dataclass(frozen=True, slots=True)
class CostFigures:
    """A loan's running cost on a date: the IRR figure, its cap, and the cents still allowed."""

    loan_id: int
    annual_rate: Decimal | None  # None when nothing has come back and nothing is owed
    annual_rate_exact: float
    cap: Decimal
    room_cents: int
    owed_cents: float


def _irr(book: _Book) -> np.ndarray:
    """Per loan, the annual rate at which the flows so far and what is owed now break even."""
    count = len(book.loan_id)
    low, high = np.full(count, _LOW), np.full(count, _HIGH)
    for _ in range(100):
        mid = (low + high) / 2
        # Owing more than the flows grow to at ``mid``: the loan costs more than ``mid``.
        too_low = _cap_balance(book, mid) - book.owed < 0
        low, high = np.where(too_low, mid, low), np.where(too_low, high, mid)
    result: np.ndarray = (low + high) / 2
    return result


def running_costs(
    session: Session, *, loan_ids: Sequence[int], business_date: dt.date
) -> list[CostFigures]:
    """The running cost (12 × monthly IRR) of each loan on ``business_date``, in id order."""
    if not loan_ids:
        return []
    book = _book(session, loan_ids, business_date)
    room = np.floor(_cap_balance(book, book.cap) - book.owed + 1e-6)
    rates = _irr(book)
    returned = np.bincount(book.paid_at, weights=book.paid_cents, minlength=len(book.loan_id))
    figures = []
    for index, loan_id in enumerate(book.loan_id.tolist()):
        nothing = returned[index] <= 0 and book.owed[index] <= 0
        figures.append(
            CostFigures(
                loan_id=loan_id,
                annual_rate=None if nothing else rate_figure(rates[index]),
                annual_rate_exact=float(rates[index]),
                cap=rate_figure(book.cap[index]),
                room_cents=max(int(room[index]), 0),
                owed_cents=float(book.owed[index]),
            )
        )
    return figures


@dataclass(frozen=True, slots=True)
class ProjectedCost:
    """A loan's cost over its whole life if, from a date, it is paid exactly some flows."""

    annual_rate: Decimal
    cap: Decimal
    within_cap: bool


def projected_cost(
    session: Session,
    *,
    loan_id: int,
    business_date: dt.date,
    flows: Sequence[tuple[dt.date, Decimal]],
) -> ProjectedCost:
    """The running cost (12 × monthly IRR) of the loan's history up to ``business_date`` followed
    by ``flows`` (a plan's payments, later dates) in place of what it owes; within the cap
    exactly when the flows, discounted at the cap, fit in the cap balance (as for the room)."""
    book = _book(session, [loan_id], business_date)
    if len(book.loan_id) != 1:
        raise UnknownRecord(f"no loan has id {loan_id}", record=f"loan {loan_id}", field="loan_id")
    dates = np.array([d for d, _ in flows], dtype="datetime64[D]")
    cents = np.array([float(a) * 100 for _, a in flows], dtype=np.float64)
    clock = month_clock(np.full(len(dates), book.start[0]), dates)

    def gap(rate: float) -> float:
        """What the flows leave of the cap balance at ``rate``: ≥ 0 when they cost ≤ ``rate``."""
        rates = np.array([rate])
        now = growth(rates, book.clock)[0]
        future = float(np.sum(cents * now / growth(rates, clock)))
        return float(_cap_balance(book, rates)[0]) - future

    low, high = _LOW, _HIGH
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if gap(mid) < 0 else (low, mid)
    cap = float(book.cap[0])
    return ProjectedCost(
        annual_rate=rate_figure((low + high) / 2),
        cap=rate_figure(cap),
        within_cap=gap(cap) >= -1e-6,
    )


def loan_cost(session: Session, *, external_id: str, business_date: dt.date) -> dict[str, Any]:
    """What ``fairdebt ledger cost`` shows: the running and contract cost of one loan, its cap.

    Rates are decimal strings to 0.01 % (``"0.1834"``); ``room`` is the money that may still be
    charged on the date without passing the cap.
    """
    record = f"loan {external_id}"
    loan = get_or_raise(session, Loan, external_id, what="loan", field="loan")
    product = session.get(Product, loan.product_id)
    assert product is not None
    fee_rate = product.monthly_fee_rate
    if business_date < loan.disbursed_on:
        raise RuleViolation(
            f"the date {business_date} is before disbursement ({loan.disbursed_on})",
            record=record,
            field="date",
        )
    (figures,) = running_costs(session, loan_ids=[loan.id], business_date=business_date)
    contract = contract_cost_rate(
        annual_rate=Decimal(loan.annual_rate),
        monthly_fee_rate=Decimal(fee_rate),
        term_months=loan.term_months,
        method=loan.repayment_method,
    )
    return {
        "loan": external_id,
        "as_of": business_date.isoformat(),
        "annual_rate": None if figures.annual_rate is None else str(figures.annual_rate),
        "cap": str(figures.cap),
        "contract_rate": str(contract),
        "room": str((Decimal(figures.room_cents) / 100).quantize(Decimal("0.01"))),
        "within_cap": figures.annual_rate is None or figures.annual_rate <= figures.cap,
    }
