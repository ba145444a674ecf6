"""Cohorts against time: did the cohorts already on the book move, and are the new ones worse?

Two tests the mechanism decides vintage or period by. :func:`dual_time` fits age × province ×
product × month × cohort block to every due's entry (Breeden's dual time, the age curve
identified on the existing cohorts across months) and gives the period's move on the existing
cohorts and the new cohorts' contrast, with standard errors from the fit's information matrix.
:func:`cohort_against_period` compares the new cohorts with the existing ones due in the same
month and province, against the reference expectation. :func:`find_cohorts` dates worse
cohorts in cohort time: each disbursement month against the others with that test, Bonferroni
over the months searched, a surge's neighbouring months against the cohorts outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from fairdebt.explain.rates import PRIOR_EVENTS, poisson_fit
from fairdebt.explain.segments import ALPHA, log_ratio

__all__ = [
    "CohortWindow",
    "DualTime",
    "cohort_against_period",
    "dual_time",
    "find_cohorts",
    "moved_apart",
]

# A cohort seen in one month of dues cannot be told worse from a move in that month that
# falls hardest on first dues (a shock on the odds scale raises low rates most): the cohort
# search needs its dues in at least this many months.
MIN_DUE_MONTHS = 2


@dataclass(frozen=True, slots=True)
class CohortWindow:
    """The disbursement months whose cohorts are most worse than the earlier ones, and its z."""

    start: pd.Timestamp
    end: pd.Timestamp | None
    z: float
    critical: float
    searched: int
    months: tuple[tuple[str, float], ...] = ()

    @property
    def significant(self) -> bool:
        return self.z > self.critical

    def worse(self) -> list[tuple[str, float]]:
        """The window's months (``YYYY-MM``) with their z, the worst first."""
        start = self.start.strftime("%Y-%m")
        end = self.end.strftime("%Y-%m") if self.end is not None else None
        inside = [(m, z) for m, z in self.months if m >= start and (end is None or m < end)]
        return sorted(inside, key=lambda pair: -pair[1])


def cohort_against_period(
    dues: pd.DataFrame,
    cohort_from: pd.Timestamp,
    cohort_to: pd.Timestamp | None,
    *,
    against_all: bool = False,
) -> tuple[float, float]:
    """Are the new cohorts worse than the existing ones *in the same month and province*?

    Counts against the reference expectation (age, province, product). The existing cohorts
    (disbursed before ``cohort_from``) give each (month of the due, province) cell its
    observed-over-expected ratio, shrunk toward the month's by PRIOR_EVENTS expected entries;
    the new cohorts' expectation is their reference expectation times their cell's ratio, so a
    move in time, portfolio-wide or in one province, is the same for both groups and only a
    difference between cohorts is left. One-sided z of ``ln(O/E)`` with Poisson variances
    ``1/O_new + 1/O_existing``. Returns (z, the log contrast).
    """
    entered = dues["entered"].to_numpy(float)
    disbursed = dues["disbursed_on"]
    new = (disbursed >= cohort_from).to_numpy().copy()
    if cohort_to is not None:
        new &= (disbursed < cohort_to).to_numpy()
    existing = ~new if against_all else (disbursed < cohort_from).to_numpy()
    if not new.any() or not existing.any():
        return 0.0, 0.0
    rate = (dues["expected"] / dues["principal"].where(dues["principal"] > 0)).fillna(0.0)
    frame = pd.DataFrame(
        {
            "month": dues["due_on"].dt.to_period("M").astype(str).to_numpy(),
            "province": dues["province"].astype(str).to_numpy(),
            "o": entered,
            "e": rate.to_numpy(float),
        }
    )
    old = frame[existing]
    by_month = old.groupby("month")[["o", "e"]].sum()
    month_ratio = (by_month["o"] / by_month["e"]).where(by_month["e"] > 0)
    cells = old.groupby(["month", "province"])[["o", "e"]].sum().reset_index()
    cells["r"] = cells["month"].map(month_ratio).fillna(1.0)
    cells["ratio"] = (cells["o"] + PRIOR_EVENTS * cells["r"]) / (cells["e"] + PRIOR_EVENTS)
    young = frame[new].merge(cells[["month", "province", "ratio"]], how="left")
    young["ratio"] = young["ratio"].fillna(young["month"].map(month_ratio)).fillna(1.0)
    o_new, e_new = float(young["o"].sum()), float((young["e"] * young["ratio"]).sum())
    months = set(young["month"])
    o_old = float(old.loc[old["month"].isin(months), "o"].sum())
    if o_new <= 0 or o_old <= 0 or e_new <= 0:
        return 0.0, 0.0
    contrast = log_ratio(o_new, e_new)
    return float(contrast / np.sqrt(1 / o_new + 1 / o_old)), contrast


def find_cohorts(dues: pd.DataFrame, alpha: float) -> CohortWindow | None:
    """Which disbursement months' cohorts are worse than the others, in cohort time?

    Each disbursement month's cohorts are tested with :func:`cohort_against_period` against
    every other cohort due in the same months and provinces, at their ages (the reference
    expectation). A month is worse beyond the one-sided Bonferroni bound at ``alpha`` over the
    months searched; the worse cohorts are the run of consecutive worse months around the
    worst one, dated by its first month (``end`` None when the run reaches the book's last
    month).
    Months whose cohorts fall due in fewer than MIN_DUE_MONTHS months are not searched (they
    stay among the others). None when fewer than two months are searched.
    """
    periods = dues["disbursed_on"].dt.to_period("M")
    seen = dues["due_on"].dt.to_period("M").groupby(periods.to_numpy()).nunique()
    months = sorted(m for m in set(periods) if seen.get(m, 0) >= MIN_DUE_MONTHS)
    if len(months) < 2:
        return None
    tested = [
        cohort_against_period(dues, m.to_timestamp(), (m + 1).to_timestamp(), against_all=True)[0]
        for m in months
    ]
    critical = float(stats.norm.isf(alpha / len(months)))
    best = int(np.argmax(tested))
    first = last = best
    if tested[best] > critical:
        # Fixed sequence outward from the worst month: each neighbour is tested at ``alpha``
        # only once the month next to it was found worse, and the sequence stops at the first
        # month that is not (the run of a surge is contiguous; a gap ends it). A neighbour is
        # set against the cohorts outside the run found so far: the months already found
        # worse would otherwise sit among its comparison and hide a surge's second month.
        single = float(stats.norm.isf(alpha))
        while first > 0 and _beside(dues, periods, months, first - 1, (first, last)) > single:
            first -= 1
        while (
            last < len(months) - 1
            and _beside(dues, periods, months, last + 1, (first, last)) > single
        ):
            last += 1
    # Open-ended only when the run reaches the book's last month: a month left out of the
    # search (too few due months) was not found worse and is not one of the new cohorts.
    end = (months[last] + 1).to_timestamp() if months[last] < max(periods) else None
    return CohortWindow(
        months[first].to_timestamp(),
        end,
        tested[best],
        critical,
        len(months),
        tuple((str(m), round(z, 2)) for m, z in zip(months, tested, strict=True)),
    )


def _beside(
    dues: pd.DataFrame,
    periods: pd.Series,
    months: list[pd.Period],
    i: int,
    run: tuple[int, int],
) -> float:
    """Month ``i``'s cohorts against every cohort outside it and the run ``months[run]``."""
    inside = periods.between(months[run[0]], months[run[1]]).to_numpy()
    month = months[i]
    return cohort_against_period(
        dues[~inside], month.to_timestamp(), (month + 1).to_timestamp(), against_all=True
    )[0]


@dataclass(frozen=True, slots=True)
class DualTime:
    """Age-period-cohort in blocks: the period's and the new cohorts' log ratios and z."""

    period: float
    period_z: float
    cohort: float
    cohort_z: float


def dual_time(
    dues: pd.DataFrame,
    cut: pd.Timestamp,
    existing_before: pd.Timestamp,
    is_new: np.ndarray,
) -> DualTime:
    """Did the cohorts already on the book move at ``cut``, and are the new ones worse?

    Breeden's dual time with the age curve identified on the existing cohorts (disbursed
    before ``existing_before``): every due (counts: each due one trial of entering) is raked
    on age × province × product × period (the due's month) × cohort block (existing / new /
    other). Among the existing cohorts, taken as alike, age and period are separable: the age
    curve comes from the ages they show in several months, so an age first reached after the
    change does not carry the change into the curve (the reference curve's weakness), and a
    month's move is the same for every cohort. ``period`` is the log ratio of the month
    factors after ``cut`` to those before (each month weighted by the existing cohorts' dues
    in it): a period shock moves it, a bad vintage leaves it to month-to-month noise.
    ``cohort`` is the new cohorts' log factor against the existing ones at the same age in the
    same months. Their z use standard errors from the fit's information matrix (the delta
    method for the period's weighted mean), since months, ages and cohort blocks are estimated
    jointly on the same dues.
    """
    existing = (dues["disbursed_on"] < existing_before).to_numpy()
    after = (dues["due_on"] >= cut).to_numpy()
    entered = dues["entered"].to_numpy(float)
    o_before = float(entered[existing & ~after].sum())
    o_after = float(entered[existing & after].sum())
    o_new = float(entered[is_new].sum())
    if min(o_before, o_after) <= 0:
        return DualTime(0.0, 0.0, 0.0, 0.0)
    month = dues["due_on"].dt.strftime("%Y-%m").to_numpy()
    blocks = pd.DataFrame(
        {
            "seq": dues["seq"].to_numpy(),
            "province": dues["province"].astype(str).to_numpy(),
            "product": dues["product"].astype(str).to_numpy(),
            "month": month,
            "cohort_block": np.where(existing, "existing", np.where(is_new, "new", "other")),
            "o": entered,
            "n": 1.0,
        }
    )
    fit = poisson_fit(blocks, ("seq", "province", "product", "month", "cohort_block"))
    weight = pd.Series(month[existing]).value_counts()
    f = fit.factors["month"].reindex(weight.index).fillna(1.0)
    position = fit.index["month"].reindex(weight.index)
    late = f.index >= cut.strftime("%Y-%m")
    if not late.any() or late.all():
        return DualTime(0.0, 0.0, 0.0, 0.0)
    # The period contrast: the log of the existing-weighted mean month factor after the cut
    # over before; its standard error by the delta method on the fit's covariance, since the
    # months are estimated jointly with the age curve on the same cohorts (the counts alone
    # would understate it).
    share = (f * weight).where(late, -(f * weight))
    share = share / np.where(late, (f * weight)[late].sum(), (f * weight)[~late].sum())
    period = float(
        np.log((f * weight)[late].sum() / weight[late].sum())
        - np.log((f * weight)[~late].sum() / weight[~late].sum())
    )
    gradient = np.zeros(len(fit.covariance))
    seen = position.notna().to_numpy()
    gradient[position[seen].astype(int).to_numpy()] = share[seen].to_numpy()
    period_se = float(np.sqrt(max(gradient @ fit.covariance @ gradient, 1e-12)))
    c = fit.factors["cohort_block"]
    cohort = float(np.log(c.get("new", 1.0) / c.get("existing", 1.0))) if o_new > 0 else 0.0
    cohort_se = 1.0
    if o_new > 0 and {"new", "existing"} <= set(c.index):
        gradient = np.zeros(len(fit.covariance))
        gradient[fit.index["cohort_block"]["new"]] = 1.0
        gradient[fit.index["cohort_block"]["existing"]] = -1.0
        cohort_se = float(np.sqrt(max(gradient @ fit.covariance @ gradient, 1e-12)))
    return DualTime(period, period / period_se, cohort, cohort / cohort_se if o_new > 0 else 0.0)


def moved_apart(
    dues: pd.DataFrame,
    there: np.ndarray,
    cut: pd.Timestamp,
    existing_before: pd.Timestamp,
    is_new: np.ndarray,
) -> bool:
    """Whether the existing cohorts of the dues ``there`` moved at ``cut`` more than the rest's.

    The dual-time period contrast (:func:`dual_time`) on the dues there and on the others:
    disjoint dues, so the difference of the two log ratios has the sum of their variances
    (each from its own z). One-sided at ALPHA (1 %). A shock every segment shares moves both,
    and "the rest did not pass its own test" is only a failure to reject on a short book.
    """
    inside = dual_time(dues[there], cut, existing_before, is_new[there])
    rest = dual_time(dues[~there], cut, existing_before, is_new[~there])
    if inside.period_z == 0:
        return False
    variance = (inside.period / inside.period_z) ** 2
    if rest.period_z:
        variance += (rest.period / rest.period_z) ** 2
    z = (inside.period - rest.period) / np.sqrt(variance)
    return bool(z > stats.norm.isf(ALPHA))
