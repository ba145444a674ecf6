"""When a KPI changed: one change point in a rate series, with its size and an interval.

The rate is binned by week (``numerator / denominator`` of each 7-day bin) and ruptures' exact
dynamic programme (``Dynp``) places the single most likely change under a *weighted* least-squares
cost (:class:`WeightedL2`, each week weighted by its denominator, so the thin first weeks of a
young book do not pass for a change). The interval is the set of splits whose cost is within
``3.84 sigma**2`` of the best (a likelihood-ratio interval at 95 % for one mean shift in Gaussian
noise, sigma the residual spread at the best split). Given ``expected``, the series is observed
over expected (the age-adjusted rate), so a book's ageing is not read as a change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import ruptures

__all__ = ["ChangePoint", "WeightedL2", "detect_change"]

_CHI2_95 = 3.841


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A change in a rate: the first date of the new level, its 95 % range, before and after."""

    on: dt.date
    low: dt.date
    high: dt.date
    before: float
    after: float

    @property
    def size(self) -> float:
        return self.after - self.before


class WeightedL2(ruptures.base.BaseCost):  # type: ignore[misc]
    """Weighted least squares: column 0 the value, column 1 its weight."""

    model = "weighted_l2"
    min_size = 1

    def fit(self, signal: np.ndarray) -> WeightedL2:
        self.signal = signal
        y, w = signal[:, 0], signal[:, 1]
        self.w = np.r_[0.0, np.cumsum(w)]
        self.wy = np.r_[0.0, np.cumsum(w * y)]
        self.wyy = np.r_[0.0, np.cumsum(w * y * y)]
        return self

    def error(self, start: int, end: int) -> float:
        w = self.w[end] - self.w[start]
        if w <= 0:
            return 0.0
        wy = self.wy[end] - self.wy[start]
        return float(self.wyy[end] - self.wyy[start] - wy * wy / w)


def weekly(dates: pd.Series, numerator: pd.Series, denominator: pd.Series) -> pd.DataFrame:
    """Sum numerator and denominator into 7-day bins from the first date; rate per bin."""
    start = dates.min()
    week = ((dates - start).dt.days // 7).to_numpy()
    frame = pd.DataFrame(
        {"week": week, "num": numerator.to_numpy(float), "den": denominator.to_numpy(float)}
    )
    g = frame.groupby("week").sum()
    g = g[g["den"] > 0]
    g["rate"] = g["num"] / g["den"]
    g["start"] = [start + pd.Timedelta(days=7 * int(k)) for k in g.index]
    return g.reset_index(drop=True)


def detect_change(
    dates: pd.Series,
    numerator: pd.Series,
    denominator: pd.Series,
    *,
    expected: pd.Series | None = None,
    min_weeks: int = 3,
    upward: bool = False,
) -> ChangePoint | None:
    """The most likely single change of ``numerator / denominator``; None on too short a series.

    ``upward``: only splits where the (weighted) level after is above the level before are
    candidates, so a rise is dated by its rise and not by the fall after a surge (a bump's
    larger move can be its way down). A series that never rose falls back to every split.

    >>> d = pd.Series(pd.date_range("2025-01-01", periods=140, freq="D"))
    >>> num = pd.Series([5.0] * 70 + [10.0] * 70)
    >>> detect_change(d, num, pd.Series([100.0] * 140)).on.isoformat()
    '2025-03-12'
    """
    bins = weekly(dates, numerator, denominator)
    if expected is not None:
        reference = weekly(dates, expected, denominator)
        bins = bins.merge(reference[["start", "num"]].rename(columns={"num": "exp"}), on="start")
        bins = bins[bins["exp"] > 0].reset_index(drop=True)
        y, w = (bins["num"] / bins["exp"]).to_numpy(), bins["exp"].to_numpy()
    else:
        y, w = bins["rate"].to_numpy(), bins["den"].to_numpy()
    n = len(bins)
    if n < 2 * min_weeks:
        return None
    w = w / w.mean()
    cost_model = WeightedL2().fit(np.c_[y, w])
    algo = ruptures.Dynp(custom_cost=WeightedL2(), min_size=min_weeks, jump=1).fit(np.c_[y, w])
    split = int(algo.predict(n_bkps=1)[0])
    cost = np.full(n, np.inf)
    for k in range(min_weeks, n - min_weeks + 1):
        cost[k] = cost_model.error(0, k) + cost_model.error(k, n)
    sigma2 = cost[split] / max(n - 2, 1)
    if upward:
        wy, cw = np.r_[0.0, np.cumsum(w * y)], np.r_[0.0, np.cumsum(w)]
        at = np.arange(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            rose = (wy[-1] - wy[at]) / (cw[-1] - cw[at]) > wy[at] / cw[at]
        if np.isfinite(cost[rose]).any():
            # The interval's sigma stays the best split's residual spread (the noise level).
            cost = np.where(rose, cost, np.inf)
            split = int(np.argmin(cost))
    inside = np.flatnonzero(cost <= cost[split] + _CHI2_95 * sigma2)
    starts = bins["start"]
    return ChangePoint(
        on=starts.iloc[split].date(),
        low=starts.iloc[int(inside.min())].date(),
        high=starts.iloc[int(inside.max())].date(),
        before=float(bins["num"][:split].sum() / bins["den"][:split].sum()),
        after=float(bins["num"][split:].sum() / bins["den"][split:].sum()),
    )


def detect_episode(
    dates: pd.Series,
    numerator: pd.Series,
    denominator: pd.Series,
    *,
    expected: pd.Series,
    min_weeks: int = 3,
) -> tuple[dt.date, dt.date | None] | None:
    """Where a series stepped, and where it stepped back if it did (a bad vintage is a bump).

    One and two change points are fitted with ``Dynp`` under :class:`WeightedL2`; the second is
    kept when it lowers the cost by more than BIC's ``2 log n sigma**2`` (one mean and one
    place more). Returns ``(start, end)`` with ``end`` None for a lasting step.
    """
    bins = weekly(dates, numerator, denominator)
    reference = weekly(dates, expected, denominator)
    bins = bins.merge(reference[["start", "num"]].rename(columns={"num": "exp"}), on="start")
    bins = bins[bins["exp"] > 0].reset_index(drop=True)
    n = len(bins)
    if n < 2 * min_weeks:
        return None
    y, w = (bins["num"] / bins["exp"]).to_numpy(), bins["exp"].to_numpy()
    signal = np.c_[y, w / w.mean()]
    cost = WeightedL2().fit(signal)
    one = int(
        ruptures.Dynp(custom_cost=WeightedL2(), min_size=min_weeks, jump=1)
        .fit(signal)
        .predict(n_bkps=1)[0]
    )
    cost_one = cost.error(0, one) + cost.error(one, n)
    starts = bins["start"]
    if n >= 3 * min_weeks:
        a, b = (
            int(x)
            for x in ruptures.Dynp(custom_cost=WeightedL2(), min_size=min_weeks, jump=1)
            .fit(signal)
            .predict(n_bkps=2)[:2]
        )
        cost_two = cost.error(0, a) + cost.error(a, b) + cost.error(b, n)
        sigma2 = cost_two / max(n - 3, 1)
        bump = y[a:b].mean() > max(y[:a].mean(), y[b:].mean())
        if bump and cost_one - cost_two > 2 * np.log(n) * sigma2:
            return starts.iloc[a].date(), starts.iloc[b].date()
    return starts.iloc[one].date(), None
