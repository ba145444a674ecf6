"""The ensemble's time budget: seconds for one whole fit, shared among its learners.

An ensemble fit is a dozen model fits (every learner on every inner fold, then on all rows) and
a search; on a book of 150 000 rows, done naively, it took hours. ``EnsembleModel(time_budget=S)``
asks for about ``S`` seconds per fit (in a cross-validation: per fold). Two things keep it:

- **Cheaper forms on big books.** Above :data:`BIG_BOOK` training rows a learner takes its
  cheaper form, chosen so that it loses little where rows are plentiful: the spline logit
  chooses its penalty on a stratified sample of :data:`SAMPLE_ROWS` rows (with 100 000 rows the
  penalty hardly matters); the forests grow :data:`BIG_BOOK_TREES` trees, each on a bootstrap
  sample of at most :data:`SAMPLE_ROWS` rows (subbagging); the GBM and the tuned LightGBM give
  the out-of-fold scores of their own searches instead of refitting on a fresh split (the
  optimism of the best of a few settings, each scored on tens of thousands of held-out rows, is
  far below what a fresh split costs).
- **The search gets what is left.** The learners of fixed cost run first; the tuned LightGBM
  runs last and its Optuna study gets the seconds left, less a reserve for its own refits
  (measured from its first trial). LightGBM's usual settings always run, so a budget spent
  before the search still gives a tuned learner (its default), and the fit then overruns: the
  budget is a target, one fit of each learner is the floor. ``EnsembleModel.fit_seconds_``
  records what the fit took and ``learner_seconds_`` each learner's share.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "BIG_BOOK",
    "BIG_BOOK_TREES",
    "SAMPLE_ROWS",
    "SMALL_BOOK_RARE",
    "Budget",
    "stratified_sample",
]

#: Training rows above which the learners take their cheaper forms.
BIG_BOOK = 20_000
#: Rows of the samples the cheaper forms work on (the logit's penalty, each forest tree).
SAMPLE_ROWS = 20_000
#: Trees of each forest on a big book.
BIG_BOOK_TREES = 100
#: Rows of the rarer class at or below which a book is small: a few hundred bads make held-out
#: figures noisy, and the ensemble and the scorecard take their small-book forms.
SMALL_BOOK_RARE = 500


@dataclass
class Budget:
    """Seconds of a fit, counted from creation.

    >>> budget = Budget(60.0)
    >>> 59.0 < budget.left() <= 60.0
    True
    """

    seconds: float
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def left(self) -> float:
        """Seconds left (never below zero)."""
        return max(0.0, self.seconds - self.elapsed())


def stratified_sample(y: np.ndarray, rows: int, random_state: int) -> np.ndarray:
    """Sorted positions of at most ``rows`` rows of ``y``, each class in its share (seeded).

    >>> y = np.array([0] * 90 + [1] * 10)
    >>> picked = stratified_sample(y, 20, 0)
    >>> len(picked), int(y[picked].sum())
    (20, 2)
    """
    n = len(y)
    if n <= rows:
        return np.arange(n)
    rng = np.random.default_rng(random_state)
    picked = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        take = max(1, round(rows * len(members) / n))
        picked.append(rng.choice(members, min(take, len(members)), replace=False))
    return np.sort(np.concatenate(picked))
