"""The scorecard's binning limits: how coarse its bins may be, chosen on inner folds.

optbinning may cut a feature into as many bins as its pre-bins allow, each as small as one
pre-bin (2 % of an 800-row book: 16 rows, whose bad rate is noise). Two limits make a card
coarser: the most bins per feature (``max_n_bins``) and the least share of rows per bin
(``min_bin_size``). Which is right depends on the book, so with ``bin_limits="auto"`` the
scorecard tries each setting of :data:`BIN_LIMITS_GRID` on five stratified inner folds of its
training rows: every candidate card is refitted from its binning on the inner training rows
(WOE, penalty, segments, regression all refitted) and scored on the held-out inner rows; the
best mean held-out AUC wins, ties going to the finer setting (the grid's order).

>>> BIN_LIMITS_GRID[0]
BinLimits(max_n_bins=None, min_bin_size=None)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

__all__ = ["BIN_LIMITS_GRID", "BinLimits", "choose_bin_limits"]


class BinLimits(NamedTuple):
    """optbinning's most bins per feature and least share of rows per bin (``None``: no limit)."""

    max_n_bins: int | None = None
    min_bin_size: float | None = None


#: The settings ``bin_limits="auto"`` tries, finest first: none (optbinning's own), at most six
#: bins of at least 5 % of rows, at most four bins of at least 10 %.
BIN_LIMITS_GRID: tuple[BinLimits, ...] = (
    BinLimits(None, None),
    BinLimits(6, 0.05),
    BinLimits(4, 0.10),
)

#: ``fit_and_score(limits, train, held)``: fit a card with ``limits`` on the ``train`` rows and
#: return the log-odds of bad of the ``held`` rows.
FitAndScore = Callable[[BinLimits, np.ndarray, np.ndarray], np.ndarray]


def choose_bin_limits(
    fit_and_score: FitAndScore,
    y: np.ndarray,
    *,
    grid: Sequence[BinLimits] = BIN_LIMITS_GRID,
    n_folds: int = 5,
    seed: int = 0,
) -> tuple[BinLimits, dict[BinLimits, float]]:
    """The setting of ``grid`` with the best mean held-out AUC, and every setting's mean.

    All settings see the same stratified folds; a setting must beat the best finer one by more
    than 1e-6 to win.
    """
    folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(y, y))
    scores: dict[BinLimits, float] = {}
    for limits in grid:
        aucs = [roc_auc_score(y[held], fit_and_score(limits, train, held)) for train, held in folds]
        scores[limits] = float(np.mean(aucs))
    best = grid[0]
    for limits in grid[1:]:
        if scores[limits] > scores[best] + 1e-6:
            best = limits
    return best, scores
