"""Validation of a fitted risk model on a labelled sample: how well it ranks, how true its PDs are.

Discrimination is measured by AUC, Gini (``2 AUC - 1``) and KS; calibration by the Brier score,
the expected calibration error (ECE) and a binomial test of each score grade. The lift and gains
table and the score distribution describe the same ranking in the terms a collections or credit
team uses (how many bads the worst 10 % of scores catch). Everything here is vectorised over the
rows and loops only over grades or bands, so it runs on millions of loans.

The target ``y`` is 1 for a bad (the event the PD predicts) and 0 for a good. A model is any
estimator with ``predict_proba(X)[:, 1]``; its score is ``decision_score(X)`` (points, higher is
better) when it has one, else the points derived from the PD by :func:`score_from_pd`.
pandas is imported under its own name because the PD arguments are called ``pd``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from fairdebt.errors import InputError

__all__ = [
    "as_target",
    "auc",
    "binning_ivs",
    "brier_score",
    "calibration_by_grade",
    "evaluate",
    "expected_calibration_error",
    "feature_iv",
    "gains_table",
    "ks_statistic",
    "metrics",
    "model_pd",
    "model_score",
    "score_distribution",
    "score_from_pd",
]

#: Scaling of :func:`score_from_pd`: 600 points at even odds, 20 points to double the odds.
BASE_POINTS = 600.0
PDO = 20.0

_TOTAL_LABELS = frozenset({"total", "totals", "合计", "总计"})


def as_target(y: ArrayLike) -> NDArray[np.int8]:
    """``y`` as a 0/1 int8 array (1 = bad), or InputError naming the values that came.

    Examples
    --------
    >>> as_target([True, False, 1.0]).tolist()
    [1, 0, 1]
    """
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise InputError(f"target must be one column (got shape {arr.shape})", field="target")
    if arr.dtype == bool:
        return arr.astype(np.int8)
    try:
        values = arr.astype(float)
    except (TypeError, ValueError):
        values = np.array([np.nan])
    if np.isnan(values).any() or not np.isin(values, (0.0, 1.0)).all():
        seen = sorted({str(v) for v in pandas.unique(pandas.Series(arr)).tolist()[:5]})
        raise InputError(
            f"target must be 0 (good) or 1 (bad) (got values such as {seen})", field="target"
        )
    return values.astype(np.int8)


def _as_pd(p: ArrayLike, n: int) -> NDArray[np.float64]:
    arr = np.asarray(p, dtype=float)
    if arr.shape != (n,):
        raise InputError(f"PD must have one value per row ({n}); got shape {arr.shape}", field="pd")
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
        raise InputError("PD must be in [0, 1] without missing values", field="pd")
    return arr


def _require_both_classes(y: NDArray[np.int8]) -> None:
    bads = int(y.sum())
    if bads == 0 or bads == len(y):
        raise InputError(
            f"validation needs both goods and bads (got {bads} bads in {len(y)} rows)",
            field="target",
        )


def _ranking(target: NDArray[np.int8], values: NDArray[np.float64]) -> tuple[float, float]:
    """AUC and KS from one sort: cumulated bads and goods at the end of each run of ties."""
    _require_both_classes(target)
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    is_bad = target[order].astype(np.int64)
    last_of_tie = np.r_[sorted_values[1:] != sorted_values[:-1], True]
    cum_bad = np.cumsum(is_bad)[last_of_tie].astype(float)
    cum_good = np.cumsum(1 - is_bad)[last_of_tie].astype(float)
    bads, goods = cum_bad[-1], cum_good[-1]
    ks = float(np.max(np.abs(cum_bad / bads - cum_good / goods)))
    # Each bad outranks the goods below its tie group and half of those tied with it.
    group_bad = np.diff(cum_bad, prepend=0.0)
    group_good = np.diff(cum_good, prepend=0.0)
    pairs = float(np.sum(group_bad * (cum_good - group_good + 0.5 * group_good)))
    return float(pairs / (bads * goods)), ks


def auc(y: ArrayLike, score: ArrayLike) -> float:
    """Area under the ROC curve of ``score`` ranking bads (``y == 1``) above goods.

    The Mann-Whitney statistic: the share of (bad, good) pairs in which the bad has the higher
    score, a tie counting one half.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> auc([0, 1], [0.5, 0.5])
    0.5
    """
    return _ranking(as_target(y), np.asarray(score, dtype=float))[0]


def ks_statistic(y: ArrayLike, pd: ArrayLike) -> float:
    """Kolmogorov-Smirnov statistic: the largest gap between the PD distributions of bads and goods.

    ``max_t |F_bad(t) - F_good(t)|`` over every threshold ``t``, with tied PDs moving together
    (the same value as ``scipy.stats.ks_2samp(pd[y == 1], pd[y == 0]).statistic``).

    Examples
    --------
    >>> ks_statistic([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    1.0
    >>> ks_statistic([0, 1, 0, 1], [0.1, 0.2, 0.8, 0.9])
    0.5
    """
    return _ranking(as_target(y), np.asarray(pd, dtype=float))[1]


def brier_score(y: ArrayLike, pd: ArrayLike) -> float:
    """Mean squared difference between the PD and the 0/1 outcome.

    Examples
    --------
    >>> brier_score([0, 1], [0.0, 1.0])
    0.0
    >>> brier_score([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])
    0.25
    """
    target = as_target(y)
    values = _as_pd(pd, len(target))
    return float(np.mean((values - target) ** 2))


def expected_calibration_error(y: ArrayLike, pd: ArrayLike, n_bins: int = 10) -> float:
    """Expected calibration error over equal-width PD bins.

    The PD range [0, 1] is cut into ``n_bins`` equal-width bins ``[0, 1/n), [1/n, 2/n), ...,
    [(n-1)/n, 1]`` (the last one closed). For each non-empty bin ``b`` with ``n_b`` rows,
    observed bad rate ``o_b`` and mean PD ``p_b``::

        ECE = sum_b (n_b / N) * |o_b - p_b|

    Equal-width (not equal-mass) bins are the usual definition (Guo et al. 2017) and keep the
    bins comparable between models; a model whose PDs all fall in one bin is judged on that bin.

    Examples
    --------
    >>> expected_calibration_error([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    0.0
    >>> expected_calibration_error([0, 0, 0, 0], [0.05, 0.05, 0.25, 0.25])
    0.15
    """
    if n_bins < 1:
        raise InputError(f"n_bins must be at least 1 (got {n_bins})", field="n_bins")
    target = as_target(y)
    values = _as_pd(pd, len(target))
    bins = np.minimum((values * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    bads = np.bincount(bins, weights=target, minlength=n_bins)
    pd_sums = np.bincount(bins, weights=values, minlength=n_bins)
    gap = np.abs(bads - pd_sums)  # n_b * |o_b - p_b|
    return float(round(gap[counts > 0].sum() / len(target), 12))


def metrics(y_true: ArrayLike, pd: ArrayLike) -> dict[str, float | int]:
    """Every summary metric of one sample, JSON-ready: auc, ks, gini, brier, ece, n, bad_rate.

    Examples
    --------
    >>> m = metrics([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    >>> m["auc"], m["gini"], m["ks"], m["n"], m["bad_rate"]
    (1.0, 1.0, 1.0, 4, 0.5)
    """
    target = as_target(y_true)
    values = _as_pd(pd, len(target))
    area, ks = _ranking(target, values)
    return {
        "auc": area,
        "ks": ks,
        "gini": 2.0 * area - 1.0,
        "brier": brier_score(target, values),
        "ece": expected_calibration_error(target, values),
        "n": len(target),
        "bad_rate": float(target.mean()),
    }


def model_pd(model: Any, X: Any) -> NDArray[np.float64]:
    """The model's PD of bad for every row of ``X`` (``predict_proba(X)[:, 1]``)."""
    return np.asarray(model.predict_proba(X), dtype=float)[:, 1]


def score_from_pd(pd: ArrayLike) -> NDArray[np.float64]:
    """Points from a PD: ``600 + 20 / ln 2 * ln((1 - p) / p)``, PD clipped to [1e-9, 1 - 1e-9].

    Used for models without their own points; higher is better, 20 points double the good odds.

    Examples
    --------
    >>> score_from_pd([0.5, 0.2]).round(2).tolist()
    [600.0, 640.0]
    """
    p = np.clip(np.asarray(pd, dtype=float), 1e-9, 1 - 1e-9)
    return np.asarray(BASE_POINTS + PDO / np.log(2.0) * np.log((1.0 - p) / p), dtype=float)


def model_score(model: Any, X: Any, pd: ArrayLike | None = None) -> NDArray[np.float64]:
    """The model's score (higher is better): ``decision_score(X)`` or points from its PD."""
    if hasattr(model, "decision_score"):
        return np.asarray(model.decision_score(X), dtype=float)
    return score_from_pd(model_pd(model, X) if pd is None else pd)


def evaluate(model: Any, X: Any, y: ArrayLike) -> dict[str, float | int]:
    """The summary metrics of ``model`` on ``X`` and its 0/1 target ``y`` (see :func:`metrics`)."""
    return metrics(y, model_pd(model, X))


def _quantile_groups(score: NDArray[np.float64], groups: int) -> NDArray[np.int64]:
    """Equal-mass group index of every score, 0 for the lowest; tied scores share a group."""
    if groups < 1:
        raise InputError(f"the number of grades must be at least 1 (got {groups})", field="grades")
    ranks = stats.rankdata(score, method="max").astype(np.int64)
    n = len(score)
    # Integer ceil(rank * groups / n) - 1: float division would misplace exact boundaries.
    return np.asarray((ranks * groups + n - 1) // n - 1, dtype=np.int64)


def calibration_by_grade(
    y: ArrayLike,
    pd: ArrayLike,
    score: ArrayLike,
    grades: int = 10,
    *,
    alpha: float = 0.05,
) -> pandas.DataFrame:
    """Observed against predicted bad rate per score grade, with a two-sided binomial test.

    Grades are equal-mass score bands (tied scores stay together, so a grade may be missing);
    grade 1 holds the best (highest) scores. For each grade the test asks whether ``bads``
    out of ``n`` is plausible if every row defaulted with the grade's mean PD
    (``scipy.stats.binomtest``). ``flag`` is ``"under"`` when the model significantly
    under-predicts the bad rate (the dangerous direction), ``"over"`` when it over-predicts, and
    ``"ok"`` otherwise. With ten grades at ``alpha = 0.05`` about one flag in two reports is
    expected by chance alone; read flags together with the size of the gap.

    Examples
    --------
    >>> t = calibration_by_grade([0, 0, 1, 1], [0.1, 0.1, 0.9, 0.9], [700, 700, 500, 500], 2)
    >>> t[["grade", "n", "bads", "observed_rate", "mean_pd", "flag"]].to_dict("records")[0]
    {'grade': 1, 'n': 2, 'bads': 0, 'observed_rate': 0.0, 'mean_pd': 0.1, 'flag': 'ok'}
    """
    target = as_target(y)
    values = _as_pd(pd, len(target))
    points = np.asarray(score, dtype=float)
    group = grades - _quantile_groups(points, grades)  # 1 = best scores
    frame = pandas.DataFrame({"grade": group, "y": target, "pd": values, "score": points})
    table = (
        frame.groupby("grade", sort=True)
        .agg(
            score_min=("score", "min"),
            score_max=("score", "max"),
            n=("y", "size"),
            bads=("y", "sum"),
            mean_pd=("pd", "mean"),
        )
        .reset_index()
    )
    table["grade"] = table["grade"].rank(method="dense").astype(int)
    table["bads"] = table["bads"].astype(int)
    table["observed_rate"] = table["bads"] / table["n"]
    table["p_value"] = [
        stats.binomtest(int(k), int(n), float(min(max(p, 0.0), 1.0))).pvalue
        for k, n, p in zip(table["bads"], table["n"], table["mean_pd"], strict=True)
    ]
    significant = table["p_value"] < alpha
    table["flag"] = np.where(
        significant & (table["observed_rate"] > table["mean_pd"]),
        "under",
        np.where(significant, "over", "ok"),
    )
    columns = ["grade", "score_min", "score_max", "n", "bads", "observed_rate", "mean_pd"]
    return table[[*columns, "p_value", "flag"]]


def gains_table(y: ArrayLike, score: ArrayLike, bands: int = 10) -> pandas.DataFrame:
    """Lift and gains by equal-mass score band, riskiest band (lowest scores) first.

    ``cum_bads_pct`` (the gains, or capture rate) is the share of all bads in this and the
    riskier bands; ``lift`` is the band's bad rate over the overall bad rate and ``cum_lift`` the
    same for the cumulated bands; ``ks`` is the gap between cumulated bads and goods.

    Examples
    --------
    >>> g = gains_table([1, 1, 0, 0], [400, 450, 700, 750], bands=2)
    >>> g[["band", "bads", "lift", "cum_bads_pct", "ks"]].to_dict("records")[0]
    {'band': 1, 'bads': 2, 'lift': 2.0, 'cum_bads_pct': 1.0, 'ks': 1.0}
    """
    target = as_target(y)
    points = np.asarray(score, dtype=float)
    _require_both_classes(target)
    band = _quantile_groups(points, bands) + 1  # 1 = lowest scores = riskiest
    frame = pandas.DataFrame({"band": band, "y": target, "score": points})
    table = (
        frame.groupby("band", sort=True)
        .agg(
            score_min=("score", "min"),
            score_max=("score", "max"),
            n=("y", "size"),
            bads=("y", "sum"),
        )
        .reset_index()
    )
    table["band"] = np.arange(1, len(table) + 1)
    table["bads"] = table["bads"].astype(int)
    table["goods"] = table["n"] - table["bads"]
    total_n, total_bads = len(target), int(target.sum())
    overall = total_bads / total_n
    table["bad_rate"] = table["bads"] / table["n"]
    table["lift"] = table["bad_rate"] / overall
    cum_n = table["n"].cumsum()
    cum_bads = table["bads"].cumsum()
    table["cum_n_pct"] = cum_n / total_n
    table["cum_bads"] = cum_bads
    table["cum_bads_pct"] = cum_bads / total_bads
    table["cum_goods_pct"] = table["goods"].cumsum() / (total_n - total_bads)
    table["cum_bad_rate"] = cum_bads / cum_n
    table["cum_lift"] = table["cum_bad_rate"] / overall
    table["ks"] = table["cum_bads_pct"] - table["cum_goods_pct"]
    return table


def score_distribution(
    score: ArrayLike, y: ArrayLike | None = None, bins: int = 20
) -> pandas.DataFrame:
    """Counts of goods and bads in equal-width score bins (all rows count as ``n`` if no ``y``).

    Examples
    --------
    >>> d = score_distribution([500, 500, 600, 700], [1, 0, 0, 0], bins=2)
    >>> d[["score_from", "score_to", "n", "goods", "bads"]].values.tolist()
    [[500.0, 600.0, 2.0, 1.0, 1.0], [600.0, 700.0, 2.0, 2.0, 0.0]]
    """
    points = np.asarray(score, dtype=float)
    if len(points) == 0 or np.isnan(points).any():
        raise InputError("score must be non-empty and without missing values", field="score")
    low, high = float(points.min()), float(points.max())
    if high == low:
        high = low + 1.0
    edges = np.linspace(low, high, bins + 1)
    index = np.clip(np.searchsorted(edges, points, side="right") - 1, 0, bins - 1)
    n = np.bincount(index, minlength=bins).astype(float)
    table = pandas.DataFrame({"score_from": edges[:-1], "score_to": edges[1:], "n": n})
    if y is not None:
        target = as_target(y)
        table["bads"] = np.bincount(index, weights=target, minlength=bins)
        table["goods"] = table["n"] - table["bads"]
        table["goods_pct"] = table["goods"] / max(table["goods"].sum(), 1.0)
        table["bads_pct"] = table["bads"] / max(table["bads"].sum(), 1.0)
    table["n_pct"] = table["n"] / len(points)
    return table


def feature_iv(table: pandas.DataFrame) -> float:
    """Information value of one feature: the sum of its binning table's ``iv`` column.

    A totals row (``bin`` reading Totals/Total/合计) is left out so it is not counted twice.

    Examples
    --------
    >>> feature_iv(pandas.DataFrame({"bin": ["[0, 1)", "Totals"], "iv": [0.1, 0.1]}))
    0.1
    """
    if "iv" not in table.columns:
        raise InputError("a binning table needs an 'iv' column", field="iv")
    rows = table
    if "bin" in table.columns:
        rows = table[~table["bin"].astype(str).str.strip().str.lower().isin(_TOTAL_LABELS)]
    return float(round(pandas.to_numeric(rows["iv"], errors="coerce").fillna(0.0).sum(), 12))


def binning_ivs(binning_tables: Mapping[str, pandas.DataFrame]) -> dict[str, float]:
    """IV of every feature in a model's ``binning_tables_``, highest first."""
    ivs = {name: feature_iv(table) for name, table in binning_tables.items()}
    return dict(sorted(ivs.items(), key=lambda item: -item[1]))
