"""Pre-bins for optbinning: the same CART, grown on a histogram of the column.

optbinning starts every numeric characteristic from pre-bins that a scikit-learn CART
(``DecisionTreeClassifier`` with ``max_leaf_nodes`` and a minimum leaf size) cuts on the raw
column; on a book of 150 000 rows that tree is half of optbinning's time. Here the same tree
is grown on the column's histogram: its distinct values with their good and bad counts as
sample weights, and, when a column has more than ``levels`` distinct values, runs of
neighbouring values pooled so that each bucket holds about ``1 / levels`` of the rows. On a
column with at most ``levels`` distinct values the cuts are the ones CART finds on the raw
rows (the weighted Gini of a value equals that of its rows; a test holds them equal); on a
finer column a cut can only fall between buckets, far finer than the 1-2 % pre-bins the
scorecard asks for. The cuts go to ``OptimalBinning(user_splits=...)``, which counts,
refines and optimises them on the raw rows as it would its own.
"""

from __future__ import annotations

import numpy as np
from sklearn.tree import DecisionTreeClassifier

__all__ = ["cart_prebins"]


def cart_prebins(
    x: np.ndarray,
    y: np.ndarray,
    *,
    min_bin_size: int,
    max_bins: int,
    levels: int = 20000,
) -> np.ndarray:
    """Cut points (sorted, unique) of a CART pre-binning of ``x`` against the 0/1 ``y``.

    ``x`` holds the clean values only (no missing, no special codes); ``min_bin_size`` is the
    fewest rows a pre-bin may hold and ``max_bins`` the most pre-bins, as in optbinning's
    ``PreBinning(method="cart")``. A cut lies midway between the largest value below it and
    the smallest at or above it, as scikit-learn places its thresholds.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    if len(x) == 0 or max_bins < 2:
        return np.array([], dtype=float)
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    if len(values) < 2:
        return np.array([], dtype=float)
    events = np.bincount(inverse, weights=(y == 1), minlength=len(values))
    # bucket of each distinct value: by the share of rows below it, so that a value never
    # straddles two buckets and a heavy value has a bucket of its own
    if len(values) <= levels:
        bucket = np.arange(len(values))
    else:
        bucket = (np.cumsum(counts) - counts) * levels // len(x)
    starts = np.flatnonzero(np.diff(bucket, prepend=-1))
    low = values[starts]
    high = values[np.append(starts[1:], len(values)) - 1]
    n_bucket = np.add.reduceat(counts, starts).astype(float)
    n_event = np.add.reduceat(events, starts)
    n_good = n_bucket - n_event
    position = np.arange(len(starts), dtype=float)
    keep_good, keep_bad = n_good > 0, n_event > 0
    features = np.concatenate([position[keep_good], position[keep_bad]])[:, None]
    target = np.concatenate([np.zeros(keep_good.sum()), np.ones(keep_bad.sum())])
    weight = np.concatenate([n_good[keep_good], n_event[keep_bad]])
    tree = DecisionTreeClassifier(
        min_weight_fraction_leaf=min(0.5, min_bin_size / len(x)), max_leaf_nodes=max_bins
    )
    tree.fit(features, target, sample_weight=weight)
    thresholds = tree.tree_.threshold[tree.tree_.feature >= 0]
    left = np.unique(np.floor(thresholds).astype(np.int64))
    cuts = (high[left] + low[left + 1]) / 2.0
    # two neighbouring doubles have no midpoint: cut at the upper one (bins are [left, right))
    cuts = np.where(cuts > high[left], cuts, low[left + 1])
    return np.asarray(cuts, dtype=float)
