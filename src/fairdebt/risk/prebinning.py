"""A numeric column as optbinning sees it: a histogram with CART pre-bins, in weighted rows.

optbinning starts every numeric characteristic from pre-bins that a scikit-learn CART
(``DecisionTreeClassifier`` with ``max_leaf_nodes`` and a minimum leaf size) cuts on the raw
column, then counts goods and bads per pre-bin with a pass over all rows for each; on a book
of 150 000 rows that is most of its time outside the solver, and it grows with the book.

Here the column is first reduced to its histogram: its distinct values with their good and
bad counts, and, when it has more than ``levels`` distinct values, runs of neighbouring values
pooled so that each bucket holds about ``1 / levels`` of the rows. The same CART is grown on
the histogram (counts as sample weights). On a column of at most ``levels`` distinct values
its cuts are the ones CART finds on the raw rows (the weighted Gini of a value equals that of
its rows; a test holds them equal); on a finer column a cut can only fall between buckets,
far finer than the 1-2 % pre-bins the scorecard asks for. optbinning then gets the histogram
as weighted rows (``sample_weight``, which it supports throughout) with the cuts as
``user_splits``, and refines and optimises them as it would its own. Because no cut falls
inside a bucket, every count it makes is the count of the raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier, _tree

__all__ = ["Histogram", "WeightedColumn", "cart_prebins", "histogram", "weighted_column"]


@dataclass(frozen=True)
class Histogram:
    """Buckets of neighbouring values in order: the smallest and largest value, goods, bads."""

    low: np.ndarray
    high: np.ndarray
    good: np.ndarray
    bad: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.good.sum() + self.bad.sum())


@dataclass(frozen=True)
class WeightedColumn:
    """A column as weighted rows (value, 0/1 target, count) and the CART cuts for it."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    cuts: np.ndarray


def histogram(x: np.ndarray, y: np.ndarray, levels: int = 20_000) -> Histogram:
    """The histogram of the clean values ``x`` (no missing, no special codes) against 0/1 ``y``.

    A distinct value never straddles two buckets, and a value heavier than a bucket's share
    has a bucket of its own.
    """
    x = np.asarray(x, dtype=float)
    values, counts = np.unique(x, return_counts=True)
    # two sorts (all rows, then the few bads) cost half of one argsort
    bad_values, bad_counts = np.unique(x[np.asarray(y) == 1], return_counts=True)
    bads = np.zeros(len(values))
    bads[np.searchsorted(values, bad_values)] = bad_counts
    if len(values) <= levels:
        return Histogram(values, values, counts - bads, bads)
    bucket = (np.cumsum(counts) - counts) * levels // len(x)
    starts = np.flatnonzero(np.diff(bucket, prepend=-1))
    ends = np.append(starts[1:], len(values)) - 1
    n_rows = np.add.reduceat(counts, starts).astype(float)
    n_bad = np.add.reduceat(bads, starts)
    return Histogram(values[starts], values[ends], n_rows - n_bad, n_bad)


def cart_prebins(hist: Histogram, *, min_bin_size: int, max_bins: int) -> np.ndarray:
    """Cut points (sorted, unique) of a CART pre-binning of the histogram's column.

    ``min_bin_size`` is the fewest rows a pre-bin may hold and ``max_bins`` the most
    pre-bins, as in optbinning's ``PreBinning(method="cart")``. A cut lies midway between the
    largest value below it and the smallest at or above it, as scikit-learn places its
    thresholds; a cut at exactly -2.0 is left out, as optbinning leaves it out.
    """
    if len(hist.low) < 2 or max_bins < 2 or hist.rows == 0:
        return np.array([], dtype=float)
    position, target, weight = _two_class_rows(
        np.arange(len(hist.low), dtype=float), hist.good, hist.bad
    )
    # counts are whole: half a row below the floor keeps a leaf of exactly min_bin_size rows,
    # which the fraction times the total (6 / 273 * 273) can round above
    tree = DecisionTreeClassifier(
        min_weight_fraction_leaf=float(np.clip((min_bin_size - 0.5) / hist.rows, 0.0, 0.5)),
        max_leaf_nodes=max_bins,
    )
    tree.fit(position[:, None], target, sample_weight=weight)
    thresholds = tree.tree_.threshold[tree.tree_.feature >= 0]
    left = np.unique(np.floor(thresholds).astype(np.int64))
    cuts = (hist.high[left] + hist.low[left + 1]) / 2.0
    # two neighbouring doubles have no midpoint: cut at the upper one (bins are [left, right))
    cuts = np.where(cuts > hist.high[left], cuts, hist.low[left + 1])
    # optbinning's PreBinning drops its tree's thresholds by value, not by node: it keeps
    # ``threshold != TREE_UNDEFINED``, and scikit-learn's marker for "no split" is -2.0, so a
    # real cut at exactly -2.0 never reaches optbinning from the raw rows. Dropping it here too
    # keeps the pre-bins optbinning's own (the two neighbouring pre-bins stay one).
    cuts = cuts[cuts != _tree.TREE_UNDEFINED]
    return np.asarray(cuts, dtype=float)


def weighted_column(
    raw: np.ndarray,
    y: np.ndarray,
    special_codes: list[float] | None,
    *,
    min_prebin_size: float,
    max_prebins: int,
    levels: int = 20_000,
) -> WeightedColumn:
    """The whole column (clean, special and missing values) as weighted rows, with its cuts.

    A bucket is represented by its smallest value (the last one by its largest, so that the
    column's range is kept); each special code and the missing values get one row per class.
    ``min_prebin_size`` is a share of all rows, as in optbinning.
    """
    raw = np.asarray(raw, dtype=float)
    y = np.asarray(y)
    missing = np.isnan(raw)
    special = np.isin(raw, np.asarray(special_codes or [], dtype=float))
    clean = ~missing & ~special
    hist = histogram(raw[clean], y[clean], levels)
    cuts = cart_prebins(
        hist,
        min_bin_size=int(np.ceil(min_prebin_size * len(raw))),
        max_bins=max_prebins,
    )
    value = hist.low.copy()
    if len(value):
        value[-1] = hist.high[-1]
    extra_values, extra_good, extra_bad = [], [], []
    for code in special_codes or []:
        rows = raw == code
        extra_values.append(code)
        extra_bad.append(float(y[rows].sum()))
        extra_good.append(float(rows.sum()) - extra_bad[-1])
    extra_values.append(np.nan)
    extra_bad.append(float(y[missing].sum()))
    extra_good.append(float(missing.sum()) - extra_bad[-1])
    x, target, weight = _two_class_rows(
        np.concatenate([value, extra_values]),
        np.concatenate([hist.good, extra_good]),
        np.concatenate([hist.bad, extra_bad]),
    )
    return WeightedColumn(x=x, y=target, weight=weight, cuts=cuts)


def _two_class_rows(
    values: np.ndarray, goods: np.ndarray, bads: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts per value as weighted rows: ``(value, 0, goods)`` and ``(value, 1, bads)``,
    leaving out the empty ones."""
    has_good, has_bad = goods > 0, bads > 0
    return (
        np.concatenate([values[has_good], values[has_bad]]),
        np.concatenate([np.zeros(has_good.sum(), np.int64), np.ones(has_bad.sum(), np.int64)]),
        np.concatenate([goods[has_good], bads[has_bad]]),
    )
