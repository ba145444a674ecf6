"""Where a KPI change comes from: root-cause localisation over combinations of dimension values.

A *leaf* is one combination of every dimension's value, with an actual and an expected
(forecast) value; an *element* fixes some dimensions (``province=广东&product=P1``) and covers
the leaves that match. The method here, **ripple search**, reads each leaf's deviation on a
relative scale and asks, for every element of every cuboid (set of dimensions) up to
``max_layer`` dimensions, whether its leaves moved *together* (the ripple effect of Squeeze and
RiskLoc: a cause moves every leaf below it by about the same relative amount):

* additive measures (amounts, counts): the leaf deviation is RiskLoc's bounded relative
  deviation ``2 (a - f) / (a + f)``, its noise a single relative scale ``tau``;
* ratio measures (a delinquency rate, a failure share): the numerator's rarer outcome is the
  event count; the expected events of a leaf are its *actual* denominator times its *forecast*
  rate (a volume change alone is no cause). For dense counts the deviation is the log ratio
  ``log((a + 1/2) / (e + 1/2))`` with Poisson variance plus ``tau**2``; for sparse events
  (``model="poisson"``) it is ``(a - e) / e`` with the overdispersed Poisson variance
  ``(e + kappa e**2) / e**2``, so a leaf expecting a fraction of an event adds its count and
  not a biased logarithm.

``tau`` and ``kappa`` are estimated from the quarter of leaves nearest their forecast, so they
hold while up to three quarters of the leaves are abnormal. An element's score is the
chi-square statistic of one common shift of its leaves, ``(sum w d)**2 / sum w`` with
``w = 1 / var``: a parent dilutes the shift with normal leaves and a child misses part of it,
so the exact element scores highest.
Elements are taken greedily, each time on the leaves not yet explained, while the best score
passes a Bonferroni bound over every candidate element (the succinctness penalty: naming one of
many possible elements must buy its description) and explains at least ``min_power`` of the
change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from fairdebt.errors import InputError

__all__ = [
    "Cause",
    "Leaves",
    "element_label",
    "localize",
    "make_leaves",
]

# Share of a normal deviate's |z| below which a quarter of the leaves lie (scale estimator).
_LOWER_QUARTILE_ABS_Z = float(stats.norm.ppf(0.625))
# Working columns, named so that no dimension of the user's data can collide with them.
_D, _W, _A, _E, _WD, _OPEN = "__d", "__w", "__actual", "__expected", "__wd", "__open"


@dataclass(frozen=True, slots=True)
class Cause:
    """One root-cause element: its label, its share of the change and how unexpected it is."""

    element: tuple[tuple[str, str], ...]
    explanatory_power: float
    surprise: float
    score: float

    @property
    def label(self) -> str:
        return element_label(self.element)


def element_label(element: Sequence[tuple[str, str]]) -> str:
    """``dim=value&dim=value`` with the dimensions in name order.

    >>> element_label([("b", "b3"), ("a", "a1")])
    'a=a1&b=b3'
    """
    return "&".join(f"{d}={v}" for d, v in sorted(element))


@dataclass(frozen=True, slots=True)
class Leaves:
    """Leaves on one relative scale: dimension values, deviation ``d`` and weight ``w``.

    ``actual`` and ``expected`` are what explanatory power is measured on (the measure itself
    for an additive measure, the event counts for a ratio).
    """

    frame: pd.DataFrame  # dimension columns (str) and the working columns _D, _W, _A, _E
    dims: tuple[str, ...]
    ratio: bool


def _grouped(frame: pd.DataFrame, dims: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    missing = [c for c in (*dims, *columns) if c not in frame.columns]
    if missing:
        raise InputError(
            f"no column {missing[0]!r} in the data (columns: {', '.join(map(str, frame.columns))})",
            field=missing[0],
        )
    values = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float))
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise InputError(
            f"row {int(row) + 1}: must be a finite number (got {frame.iloc[row][columns[col]]!r})",
            field=str(columns[col]),
        )
    keys = frame[list(dims)].astype(str)
    return pd.concat([keys, values], axis=1).groupby(list(dims), sort=False).sum().reset_index()


def _robust_tau(d: np.ndarray, w_base: np.ndarray) -> float:
    """Scale of the normal leaves' deviation from the quarter of leaves nearest forecast."""
    informative = np.abs(d[w_base > 0])
    if informative.size == 0:
        return 1.0
    low = float(np.quantile(informative, 0.25))
    return max(low / _LOWER_QUARTILE_ABS_Z, 1e-6)


def make_leaves(
    frame: pd.DataFrame,
    *,
    dims: Sequence[str],
    actual: str | None = None,
    expected: str | None = None,
    numerator_actual: str | None = None,
    numerator_expected: str | None = None,
    denominator_actual: str | None = None,
    denominator_expected: str | None = None,
    model: Literal["lognormal", "poisson"] = "lognormal",
    kappa: float | None = None,
) -> Leaves:
    """Aggregate ``frame`` to leaves and put each leaf's deviation on a relative scale.

    ``model`` is the ratio's noise: ``lognormal`` (dense counts whose forecast is itself noisy,
    as in monitoring data) or ``poisson`` (sparse events such as dues entering collection,
    overdispersed by ``kappa``, estimated unless given: 0 for independent events).
    """
    if not dims:
        raise InputError("at least one dimension column is needed", field="--dims")
    ratio_columns = (numerator_actual, numerator_expected, denominator_actual, denominator_expected)
    if actual is not None and expected is not None:
        leaves = _grouped(frame, dims, [actual, expected])
        a = leaves[actual].to_numpy(float)
        f = leaves[expected].to_numpy(float)
        total = a + f
        d = np.where(total != 0, 2 * (a - f) / np.where(total != 0, total, 1), 0.0)
        base = (total != 0).astype(float)
        tau = _robust_tau(d, base)
        w = base / tau**2
        out = leaves[list(dims)].copy()
        out[_D], out[_W], out[_A], out[_E] = d, w, a, f
        return Leaves(out, tuple(dims), ratio=False)
    if all(c is not None for c in ratio_columns):
        na, nf, da, df = (str(c) for c in ratio_columns)
        leaves = _grouped(frame, dims, [na, nf, da, df])
        num_a, num_f = leaves[na].to_numpy(float), leaves[nf].to_numpy(float)
        den_a, den_f = leaves[da].to_numpy(float), leaves[df].to_numpy(float)
        if (num_a < 0).any() or (den_a < 0).any() or (num_f < 0).any() or (den_f < 0).any():
            raise InputError("numerators and denominators must not be negative", field=na)
        # Events are the rarer outcome: a failure share of 2 % moves in its failures.
        global_rate = num_f.sum() / den_f.sum() if den_f.sum() > 0 else 0.5
        if global_rate > 0.5:
            num_a, num_f = np.maximum(den_a - num_a, 0), np.maximum(den_f - num_f, 0)
            global_rate = 1 - global_rate
        # Forecast rate per leaf, shrunk toward the whole by one pseudo-trial (empirical Bayes).
        rate = (num_f + global_rate) / (den_f + 1.0)
        a, e = num_a, den_a * rate
        if model == "poisson":
            kappa = _overdispersion(a, e) if kappa is None else kappa
            variance = e + kappa * e**2
            positive = variance > 0
            safe = np.where(positive, variance, 1.0)
            # Relative deviation (a - e) / e weighted by e**2 / variance, kept as the products
            # w and w*d so that a leaf expecting nothing adds nothing.
            w = np.where(positive, e**2 / safe, 0.0)
            d = np.where(w > 0, e * (a - e) / safe / np.where(w > 0, w, 1.0), 0.0)
        else:
            d = np.log((a + 0.5) / (e + 0.5))
            poisson = 1 / (a + 0.5) + 1 / (e + 0.5)
            informative = ((a + e) > 0).astype(float)
            # tau: the relative noise beyond Poisson, from standardised deviations near zero.
            z_scale = _robust_tau(d / np.sqrt(poisson), informative)
            tau2 = max(z_scale**2 - 1.0, 0.0) * float(np.median(poisson[informative > 0]))
            w = informative / (poisson + tau2)
        out = leaves[list(dims)].copy()
        out[_D], out[_W], out[_A], out[_E] = d, w, a, e
        return Leaves(out, tuple(dims), ratio=True)
    raise InputError(
        "give --actual and --expected (an additive measure), or all of --numerator-actual, "
        "--numerator-expected, --denominator-actual, --denominator-expected (a ratio)",
        field="--actual",
    )


def _overdispersion(a: np.ndarray, e: np.ndarray) -> float:
    """``kappa`` of the variance ``e + kappa e**2``, from the quarter of leaves nearest forecast.

    Counts vary more than Poisson when the forecast itself is noisy; the relative part is
    estimated so that the lower quartile of the standardised residuals is a normal's (0.319).
    """
    informative = e >= 5  # where a count is near normal; sparse leaves cannot tell kappa
    if informative.sum() < 8:
        return 0.0
    r, big = (a - e)[informative], e[informative]

    def quartile(kappa: float) -> float:
        return float(np.quantile(np.abs(r) / np.sqrt(big + kappa * big**2), 0.25))

    target = _LOWER_QUARTILE_ABS_Z
    if quartile(0.0) <= target:
        return 0.0
    low, high = 0.0, 1.0
    while quartile(high) > target and high < 1e6:
        high *= 10
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if quartile(mid) > target else (low, mid)
    return high


def _surprise(a: np.ndarray, f: np.ndarray, a_total: float, f_total: float) -> np.ndarray:
    """Adtributor's surprise: each element's Jensen-Shannon term between forecast and actual."""
    p = f / f_total if f_total else np.zeros_like(f)
    q = a / a_total if a_total else np.zeros_like(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_term = np.where(p > 0, p * np.log(2 * p / (p + q)), 0.0)
        q_term = np.where(q > 0, q * np.log(2 * q / (p + q)), 0.0)
    return 0.5 * (p_term + q_term)


def _cuboids(dims: Sequence[str], max_layer: int) -> list[tuple[str, ...]]:
    return [c for k in range(1, max_layer + 1) for c in combinations(dims, k)]


def localize(
    leaves: Leaves,
    *,
    max_layer: int = 3,
    alpha: float = 0.001,
    min_power: float = 0.0,
    max_causes: int = 10,
    direction: int = 0,
    rank: Literal["score", "power"] = "score",
) -> list[Cause]:
    """The smallest set of elements that explains the change, the most likely first.

    ``direction`` +1 (or -1) considers only elements that rose (fell); 0 either. ``rank``
    ``power`` takes, among the elements past the bound, the one with the largest excess
    ``actual - expected`` (in ``direction``) instead of the highest score. Returns ``[]``
    when no element's leaves moved together beyond noise.
    """
    frame = leaves.frame
    dims = leaves.dims
    cuboids = _cuboids(dims, min(max_layer, len(dims)))
    sizes = [int(frame[list(c)].drop_duplicates().shape[0]) for c in cuboids]
    candidates = max(sum(sizes), 1)
    bound = float(stats.chi2.isf(alpha / candidates, df=1))
    a_total, f_total = float(frame[_A].sum()), float(frame[_E].sum())
    change = a_total - f_total
    frame = frame.assign(**{_WD: frame[_W] * frame[_D], _OPEN: True})
    causes: list[Cause] = []
    while len(causes) < max_causes:
        rest = frame[frame[_OPEN]]
        if rest.empty:
            break
        best: tuple[float, tuple[str, ...], tuple[str, ...], float, float] | None = None
        for cuboid in cuboids:
            g = rest.groupby(list(cuboid), sort=False)[[_WD, _W, _A, _E]].sum()
            w = g[_W].to_numpy()
            wd = g[_WD].to_numpy()
            score = np.where(w > 0, wd**2 / np.where(w > 0, w, 1), 0.0)
            if direction:
                score = np.where(np.sign(wd) == np.sign(direction), score, 0.0)
            if rank == "power":
                excess = (g[_A] - g[_E]).to_numpy() * (direction or 1)
                score = np.where(score >= bound, np.maximum(excess, 0.0) + bound, 0.0)
            power = (g[_A] - g[_E]).to_numpy() / change if change else 0 * score
            # An element must carry its share of the change, in either direction.
            score = np.where(np.abs(np.asarray(power)) >= min_power, score, 0.0)
            k = int(np.argmax(score))
            if best is None or score[k] > best[0]:
                key = g.index[k]
                values = tuple(str(v) for v in (key if isinstance(key, tuple) else (key,)))
                row = g.iloc[k]
                best = (float(score[k]), cuboid, values, float(row[_A]), float(row[_E]))
        if best is None or best[0] < bound:
            break
        top, cuboid, values, a_e, f_e = best
        surprise = float(_surprise(np.array([a_e]), np.array([f_e]), a_total, f_total)[0])
        causes.append(
            Cause(
                element=tuple(sorted(zip(cuboid, values, strict=True))),
                explanatory_power=(a_e - f_e) / change if change else 0.0,
                surprise=surprise,
                score=top,
            )
        )
        covered = np.logical_and.reduce(
            [frame[d].to_numpy() == v for d, v in zip(cuboid, values, strict=True)]
        )
        frame.loc[covered, _OPEN] = False
    return causes
