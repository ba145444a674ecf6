"""When borrowers arrive, what they borrow, and on which product: the simulated lender's book.

Existing customers (40 % of borrowers) take their next loan over the first six months, as in a
seasoned book; new customers arrive with volume growing 3 % a month and a Chinese retail season
on top (a Spring Festival dip in February, peaks at 618 in June and Double 11 in November). Loan
amounts are lognormal around ¥7.5k between ¥500 and ¥50,000 (calibration.md row 31); larger
loans take longer tenors, so the amount-weighted tenor is about 8 months. APR rises with the
lender's (noisy) view of risk from 12 % to 24 %; the best borrowers on 12-month loans take a
prime product capped at 4 × LPR. Everything is drawn in numpy columns from one generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from fairdebt.keyed import Keyed
from fairdebt.simulation.population import Population

__all__ = [
    "LPR_HISTORY",
    "PRODUCTS",
    "LoanTerms",
    "ProductSpec",
    "draw_terms",
    "month_starts",
    "plan_arrivals",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# The one-year LPR as published by the PBoC's National Interbank Funding Center.
LPR_HISTORY = (
    (dt.date(2023, 8, 21), Decimal("0.0345")),
    (dt.date(2024, 7, 22), Decimal("0.0335")),
    (dt.date(2024, 10, 21), Decimal("0.0310")),
    (dt.date(2025, 5, 20), Decimal("0.0300")),
)
# Relative origination volume by calendar month (1-12): Spring Festival, 618, Double 11.
SEASON = np.array([0.95, 0.80, 1.00, 1.00, 1.00, 1.10, 1.00, 1.00, 1.00, 1.00, 1.20, 1.10])
MONTHLY_GROWTH = 1.03
# Share of borrowers who are existing customers, borrowing again in the first month.
EXISTING_SHARE = 0.4
EXISTING_SPREAD_MONTHS = 6


@dataclass(frozen=True, slots=True)
class ProductSpec:
    code: str
    name: str
    repayment_method: str
    term_months: int
    annual_rate: Decimal  # the product's list (maximum) rate; loans are priced at or below
    cost_cap_kind: str
    cost_cap_rate: Decimal
    penalty_daily_rate: Decimal = Decimal("0.0005")  # 0.05 % a day on overdue principal


PRODUCTS = (
    ProductSpec(
        "SIM-EI-3M", "3期等额本息 3-month instalments", "equal_installment", 3,
        Decimal("0.24"), "apr", Decimal("0.24"),
    ),
    ProductSpec(
        "SIM-EI-6M", "6期等额本息 6-month instalments", "equal_installment", 6,
        Decimal("0.24"), "apr", Decimal("0.24"),
    ),
    ProductSpec(
        "SIM-EI-12M", "12期等额本息 12-month instalments", "equal_installment", 12,
        Decimal("0.24"), "apr", Decimal("0.24"),
    ),
    ProductSpec(
        "SIM-EP-12M", "12期等额本金 12-month equal principal", "equal_principal", 12,
        Decimal("0.24"), "apr", Decimal("0.24"),
    ),
    ProductSpec(
        "SIM-PRIME-12M", "12期优质客户 12-month prime (4×LPR cap)", "equal_installment", 12,
        Decimal("0.12"), "lpr_multiple", Decimal("4"),
    ),
)  # fmt: skip


def month_starts(start_on: dt.date, months: int) -> list[dt.date]:
    """The first day of each simulated month, plus the day after the last one.

    >>> [d.isoformat() for d in month_starts(dt.date(2025, 11, 15), 2)]
    ['2025-11-15', '2025-12-01', '2026-01-01']
    """
    out = [start_on]
    for k in range(1, months + 1):
        month = start_on.month - 1 + k
        out.append(dt.date(start_on.year + month // 12, month % 12 + 1, 1))
    return out


def plan_arrivals(
    rng: np.random.Generator,
    n: int,
    *,
    start_on: dt.date,
    months: int,
    surge_months: tuple[int, ...] = (),
    surge_multiplier: float = 0.0,
    existing_share: float = EXISTING_SHARE,
) -> tuple[IntArray, IntArray]:
    """First-loan day (days since ``start_on``) and approval policy (0, or 1 for a surge).

    ``existing_share`` of borrowers are the lender's existing customers, who take their first
    loan of the window spread over its first ``EXISTING_SPREAD_MONTHS`` months; the rest arrive
    with growth and the season.
    """
    starts = month_starts(start_on, months)
    calendar_month = np.array([d.month for d in starts[:-1]])
    base = MONTHLY_GROWTH ** np.arange(months) * SEASON[calendar_month - 1]
    base = (1 - existing_share) * base / base.sum()
    # Existing customers come back for their next loan over the first months, as a seasoned
    # book's repeat borrowers would, rather than all at once (which makes the late buckets
    # swell and then empty in step).
    spread = min(EXISTING_SPREAD_MONTHS, months)
    base[:spread] += existing_share / spread
    surge = np.zeros(months)
    for m in surge_months:
        surge[m] = base[m] * surge_multiplier
    weights = np.concatenate([base, surge])
    slot = rng.choice(2 * months, n, p=weights / weights.sum())
    month = slot % months
    policy = (slot >= months).astype(np.int64)
    first = np.array([(d - start_on).days for d in starts])
    length = first[1:] - first[:-1]
    day = first[month] + np.floor(rng.random(n) * length[month]).astype(np.int64)
    return day.astype(np.int64), policy


@dataclass(frozen=True, slots=True)
class LoanTerms:
    principal: FloatArray  # yuan, multiples of 100
    term: IntArray
    apr: FloatArray
    product: IntArray  # index into PRODUCTS


def draw_terms(
    keyed: Keyed, population: Population, borrower: IntArray, repeat: IntArray
) -> LoanTerms:
    """Amount, tenor, APR and product for new loans of ``borrower`` (``repeat``: prior loans).

    Draws are keyed by (borrower, loan number), so a borrower's k-th loan has the same terms
    in every strategy arm of a seed.
    """
    key = borrower * 64 + np.minimum(repeat, 63)
    income = population.monthly_income[borrower]
    growth = 1.2 ** np.minimum(repeat, 3)  # limits rise for borrowers who repaid
    log_amount = (
        np.log(4900.0) + 0.6 * np.log(income / 6500.0) + 0.78 * keyed.normals(20, key)
    ) + np.log(growth)
    principal = np.clip(np.round(np.exp(log_amount), -2), 500.0, 50_000.0)
    tilt = 0.3 * np.tanh(np.log(principal / 7000.0))
    u = keyed.uniforms(21, key) + tilt
    term = np.where(u < 0.24, 3, np.where(u < 0.58, 6, 12)).astype(np.int64)
    seen = population.risk[borrower] + 0.6 * keyed.normals(22, key)  # the lender's noisy view
    apr = np.clip(np.round((0.12 + 0.12 * ndtr(seen + 0.4)) / 0.005) * 0.005, 0.12, 0.24)
    product = np.where(term == 3, 0, np.where(term == 6, 1, 2)).astype(np.int64)
    equal_principal = (term == 12) & (keyed.uniforms(23, key) < 0.1)
    product = np.where(equal_principal, 3, product)
    product = np.where((term == 12) & (apr <= 0.12), 4, product)
    return LoanTerms(principal=principal, term=term, apr=apr, product=product)
