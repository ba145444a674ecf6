"""The ensemble: seven learners of different kinds (eight on a small book), blended by bagged
hill-climbing ensemble selection, with reason codes that are SHAP values of the blend.

Lessmann et al. (2015, "Benchmarking state-of-the-art classification algorithms for credit
scoring: an update of research") found heterogeneous ensembles best across 41 classifiers and
eight credit data sets, and among them HCES-Bag: Caruana's hill-climbing ensemble selection
(2004) run on bootstrap samples of the held-out predictions, the selections averaged. This is
that recipe on fairdebt's learners (:mod:`fairdebt.risk.learners`): the scorecard, the GBM, a
tuned LightGBM, two random forests (LightGBM's and scikit-learn's), extremely randomised trees
(:mod:`fairdebt.risk.extratrees`), a penalised logistic regression on splines
(:mod:`fairdebt.risk.linear`) and, on a small book only (rarer class at most
``SMALL_BOOK_RARE`` training rows, at most ``BIG_BOOK`` rows), the same regression with
pairwise products of the features (``pairs``): on German credit's development folds it
moved the ensemble by +0.0012, -0.0013, +0.0003, +0.0014 and +0.0016 on seeds 1, 2, 3, 7, 11
(docs/decisions/risk-history-and-ensemble.md, seventh pass):

1. The training rows are split into ``folds`` stratified inner folds (the GBM's own inner
   folds, so its held-out scores come free; five up to 20 000 rows, three above). The split
   can be repeated (``repeats``; ``"auto"``: ``SMALL_BOOK_REPEATS`` shuffles when the rarer
   class has at most ``SMALL_BOOK_RARE`` training rows and the book is not big, one
   otherwise), each learner's held-out log-odds then averaged over the repeats before the
   selection, so that a row's score carries less of one split's luck; searches (the GBM's,
   the LightGBM's, the logit's penalty) still run on the first split only. The default is one
   split: on German credit's development folds three repeats changed the held-out AUC by
   +0.0010, -0.0000, 0.0000 and +0.0001 on seeds 1, 2, 3 and 7 for about 2.5 times the fit
   (docs/decisions/risk-history-and-ensemble.md, fifth pass). Every learner
   gives its out-of-fold log-odds of bad, put on one scale by Platt scaling (a forest's raw
   scores in LightGBM's rf mode run to the hundreds); tuning (Optuna for the LightGBM, the
   GBM's shape and constraints) happens inside these training rows only. ``time_budget`` is
   the seconds of the whole fit (:mod:`fairdebt.risk.budget`): learners of fixed cost run
   first, in their cheaper forms on a big book, and the Optuna study of the tuned LightGBM,
   run last, gets what is left.
2. Selection: on each of ``bags`` bootstrap samples of the out-of-fold rows, start from the best
   single learner and add, ``steps`` times with replacement, the learner whose addition gives
   the highest AUC of the averaged log-odds; a learner's weight is its share of the picks,
   averaged over the bags. Weights are non-negative and add up to one; a learner that never
   helps gets weight zero (``weights_``). ``blend="auto"`` (the default) keeps these weights
   on a book whose rarer class has more than ``SMALL_BOOK_RARE`` (500) training rows; on a
   smaller one it gives the learners HCES chose equal weights: with a few hundred bads the
   held-out AUCs the selection climbs on differ by noise, and the shares of the picks follow
   the noise (``blend="hces"`` or ``"equal"`` choose by hand; ``hces_weights_`` keeps the
   selection's own weights).
3. The blend ``sum_i w_i * z_i`` of the learners' log-odds is calibrated by Platt scaling on the
   out-of-fold blend; every learner is refitted on all rows.

Reason codes: each learner's log-odds is a base plus one contribution per feature (points
against the average for the scorecard, TreeSHAP for the trees), so the calibrated blend is too:
``a + b * sum_i w_i * (a_i + b_i * (base_i + sum_j c_ij))``, with ``(a_i, b_i)`` the learner's
own Platt scaling. A feature's contribution to the blend, ``b * sum_i w_i * b_i * c_ij``, is its
SHAP value for the ensemble; reason codes rank the features that
raised the log-odds of bad most (``feature_impacts``, in points), as the GBM's do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from fairdebt.risk.budget import BIG_BOOK, SMALL_BOOK_RARE, Budget
from fairdebt.risk.estimator import RiskModel
from fairdebt.risk.gbm import inner_folds
from fairdebt.risk.learners import (
    LEARNERS,
    SMALL_BOOK_LEARNERS,
    Learner,
    make_learner,
    repeat_seed,
)

__all__ = [
    "BLENDS",
    "SMALL_BOOK_RARE",
    "SMALL_BOOK_REPEATS",
    "EnsembleModel",
    "blend_weights",
    "fast_auc",
    "inner_repeats",
    "select_ensemble",
]

#: The blends an ensemble offers.
BLENDS = ("auto", "hces", "equal")
#: The repeats of the inner split that ``repeats="auto"`` gives a small book.
SMALL_BOOK_REPEATS = 3


def fast_auc(y: np.ndarray, score: np.ndarray) -> float:
    """AUC of ``score`` for the 0/1 target ``y`` (ties count one half), by one sort.

    >>> fast_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    order = np.argsort(score, kind="mergesort")
    ranked = score[order]
    ranks = np.empty(len(score))
    # mid-ranks of tied runs
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    ends = np.r_[starts[1:], len(score)]
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    bads = int(y.sum())
    goods = len(y) - bads
    if bads == 0 or goods == 0:
        return 0.5
    return float((ranks[y == 1].sum() - bads * (bads + 1) / 2.0) / (bads * goods))


def select_ensemble(
    Z: np.ndarray,
    y: np.ndarray,
    *,
    bags: int = 20,
    steps: int = 20,
    max_rows: int = 60_000,
    random_state: int = 0,
) -> np.ndarray:
    """Bagged hill-climbing ensemble selection (HCES-Bag) of the columns of ``Z`` by AUC.

    ``Z`` holds one column of out-of-fold log-odds per learner. Returns non-negative weights
    that add up to one. At most ``max_rows`` rows (a seeded sample) enter the selection.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> good, noise = y + rng.normal(0, 1, 2000), rng.normal(0, 1, 2000)
    >>> weights = select_ensemble(np.column_stack([good, noise]), y)
    >>> bool(weights[0] > 0.9 and weights.sum() == 1.0)
    True
    """
    rng = np.random.default_rng(random_state)
    n, m = Z.shape
    if m == 1:
        return np.ones(1)
    if n > max_rows:
        keep = rng.choice(n, max_rows, replace=False)
        Z, y = Z[keep], y[keep]
        n = max_rows
    weights = np.zeros(m)
    for _ in range(bags):
        rows = rng.integers(0, n, n)
        z, target = Z[rows], y[rows]
        if target.min() == target.max():
            continue
        aucs = [fast_auc(target, z[:, j]) for j in range(m)]
        first = int(np.argmax(aucs))
        counts = np.zeros(m)
        counts[first] = 1
        total = z[:, first].copy()
        for step in range(1, steps):
            trial = [fast_auc(target, (total + z[:, j]) / (step + 1)) for j in range(m)]
            pick = int(np.argmax(trial))
            counts[pick] += 1
            total += z[:, pick]
        weights += counts / counts.sum()
    if weights.sum() == 0:
        return np.full(m, 1.0 / m)
    return np.asarray(weights / weights.sum(), dtype=float)


def blend_weights(hces: np.ndarray, y: np.ndarray, blend: str) -> tuple[np.ndarray, str]:
    """The blend's weights and the blend used (``"hces"`` or ``"equal"``) for ``blend``.

    ``"equal"`` gives every learner with a positive HCES weight the same weight.

    >>> weights, used = blend_weights(np.array([0.7, 0.0, 0.3]), np.array([0, 1] * 10), "auto")
    >>> weights.tolist(), used
    ([0.5, 0.0, 0.5], 'equal')
    """
    if blend not in BLENDS:
        raise ValueError(f"blend must be one of {BLENDS} (got {blend!r})")
    rare = int(np.bincount(y, minlength=2).min())
    used = blend if blend != "auto" else ("equal" if rare <= SMALL_BOOK_RARE else "hces")
    if used == "hces":
        return hces, used
    chosen = (hces > 0).astype(float)
    return chosen / chosen.sum(), used


def inner_repeats(y: np.ndarray, repeats: int | str) -> int:
    """The repeats of the inner split for ``repeats`` (``"auto"`` or a whole number >= 1).

    ``"auto"`` gives ``SMALL_BOOK_REPEATS`` when the rarer class has at most
    ``SMALL_BOOK_RARE`` rows and the book has at most ``BIG_BOOK`` rows, else 1.

    >>> inner_repeats(np.array([0, 1] * 100), "auto"), inner_repeats(np.array([0, 1] * 600), "auto")
    (3, 1)
    """
    if repeats == "auto":
        rare = int(np.bincount(y, minlength=2).min())
        small = rare <= SMALL_BOOK_RARE and len(y) <= BIG_BOOK
        return SMALL_BOOK_REPEATS if small else 1
    if isinstance(repeats, str) or int(repeats) < 1 or int(repeats) != repeats:
        raise ValueError(f'repeats must be "auto" or a whole number >= 1 (got {repeats!r})')
    return int(repeats)


def _platt(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of a logistic regression of ``y`` on ``score`` (Platt scaling)."""
    fitted = LogisticRegression(C=1e6).fit(np.asarray(score).reshape(-1, 1), y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


class EnsembleModel(RiskModel):
    """A heterogeneous ensemble on raw frames (see the module docstring).

    ``learners`` names the members (default: all of ``LEARNERS``); ``folds`` the
    inner folds (``None``: 5 up to 20 000 rows, where each inner fit needs most of the rows, 3
    above); ``time_budget`` the seconds of one fit (a target: see :mod:`fairdebt.risk.budget`)
    and ``max_trials`` the cap on the LightGBM's trials; ``bags`` and ``steps`` the selection.
    ``weights_`` maps each learner to its blend weight, ``oof_auc_`` each learner's and the
    blend's out-of-fold AUC on the inner folds, ``learners_`` the fitted learners,
    ``settings_`` what each chose, ``fit_seconds_`` the fit's seconds and
    ``learner_seconds_`` each learner's. ``blend`` chooses the weights (``"auto"``, ``"hces"``,
    ``"equal"``; see the module docstring; ``blend_`` says which was used). ``repeats`` sets the
    repeats of the inner split (a whole number, default 1, or ``"auto"``; ``repeats_`` says how
    many ran; each repeat costs about one more inner cross-validation of every learner).
    ``trees`` sets the
    trees of each of the three forests on any book (``None``: their usual 300, 1000 for the two
    scikit-learn forests on a small book, ``BIG_BOOK_TREES`` on a big book); the tests grow few,
    since what they check does not need a full forest.
    """

    def __init__(
        self,
        *,
        learners: Sequence[str] = LEARNERS,
        folds: int | None = None,
        time_budget: float = 300.0,
        max_trials: int = 40,
        bags: int = 20,
        steps: int = 20,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        features: str = "auto",
        drop: Sequence[str] = (),
        special_codes: Mapping[str, Sequence[float]] | None = None,
        random_state: int = 0,
        n_jobs: int | None = None,
        trees: int | None = None,
        blend: str = "auto",
        repeats: int | str = 1,
    ) -> None:
        self.learners = learners
        self.folds = folds
        self.time_budget = time_budget
        self.max_trials = max_trials
        self.bags = bags
        self.steps = steps
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.features = features
        self.drop = drop
        self.special_codes = special_codes
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.trees = trees
        self.blend = blend
        self.repeats = repeats

    # -- fitting -------------------------------------------------------------------------
    def _fit_clean(self, X: pd.DataFrame, y: np.ndarray) -> list[str]:
        # the budget counts from here: input cleaning and built features are cheap beside it
        budget = Budget(float(self.time_budget))
        names = list(dict.fromkeys(self.learners))
        if not names:
            raise ValueError("an ensemble needs at least one learner")
        fewest = int(np.bincount(y, minlength=2).min())
        wanted = int(self.folds) if self.folds is not None else (5 if len(y) <= BIG_BOOK else 3)
        folds = min(wanted, fewest)
        if folds < 2:
            raise ValueError(
                f"the ensemble needs at least 2 rows of each class for its inner folds "
                f"(got {fewest} of the rarer class)"
            )
        if self.blend not in BLENDS:
            raise ValueError(f"blend must be one of {BLENDS} (got {self.blend!r})")
        if self.trees is not None and int(self.trees) < 1:
            raise ValueError(f"trees must be at least 1 (got {self.trees})")
        self.repeats_ = inner_repeats(y, self.repeats)
        notes = []
        if not (fewest <= SMALL_BOOK_RARE and len(y) <= BIG_BOOK):
            left = [n for n in names if n in SMALL_BOOK_LEARNERS]
            names = [n for n in names if n not in SMALL_BOOK_LEARNERS] or names
            notes = [f"{n}: left out, a learner for small books" for n in left if n not in names]
        splits = [
            inner_folds(y, folds, repeat_seed(self.random_state, r)) for r in range(self.repeats_)
        ]
        context = {
            "special_codes": dict(self.special_codes_),
            "kinds": dict(self.kinds_),
            "random_state": self.random_state,
            "n_jobs": self.n_jobs,
            "time_budget": float(self.time_budget),
            "max_trials": int(self.max_trials),
            "budget": budget,
            "big": len(y) > BIG_BOOK,
            # the test by which blend="auto" gives equal weights: the forests then grow more
            # trees, since their Monte-Carlo noise goes into the blend undiluted
            "small": fewest <= SMALL_BOOK_RARE,
            "trees": None if self.trees is None else int(self.trees),
        }
        self.features_ = list(X.columns)
        self.learners_: dict[str, Learner] = {}
        self.learner_seconds_: dict[str, float] = {}
        oof = {}
        # learners of fixed cost first; the tuned LightGBM's search takes the seconds left
        for name in sorted(names, key=lambda n: n == "lightgbm"):
            started = budget.elapsed()
            learner = make_learner(name, context)
            # one row per repeat; a big book's searching learners give their search's one row
            scores = np.asarray(learner.fit(X, y, splits), dtype=float)
            oof[name] = np.broadcast_to(scores, (self.repeats_, len(y)))
            self.learners_[name] = learner
            self.learner_seconds_[name] = round(budget.elapsed() - started, 2)
            learner.context.pop("budget", None)  # a clock is no part of the fitted model
        self._blend(oof, y, names)
        self.settings_ = {name: self.learners_[name].describe() for name in names}
        self.fit_seconds_ = round(budget.elapsed(), 2)
        return notes

    def _blend(self, oof: Mapping[str, np.ndarray], y: np.ndarray, names: list[str]) -> None:
        """Platt scalings, selection and blend from each learner's (repeats, rows) scores."""
        repeats = len(oof[names[0]])
        stacked_y = np.tile(y, repeats)
        # each learner's scores on the log-odds scale first: a forest's raw scores in
        # LightGBM's rf mode run to the hundreds, and averaging would let one scale win. The
        # scaling is fitted on every repeat's scores, each one model's, as the refit will be
        self.learner_platt_ = {name: _platt(oof[name].ravel(), stacked_y) for name in names}
        # (repeats, rows, learners); the selection climbs on the average over the repeats
        scaled = np.stack(
            [self.learner_platt_[n][0] * oof[n] + self.learner_platt_[n][1] for n in names],
            axis=-1,
        )
        Z = scaled.mean(axis=0)
        hces = select_ensemble(
            Z, y, bags=self.bags, steps=self.steps, random_state=self.random_state
        )
        self.hces_weights_ = {name: float(w) for name, w in zip(names, hces, strict=True)}
        weights, self.blend_ = blend_weights(hces, y, str(self.blend))
        self.weights_ = {name: float(w) for name, w in zip(names, weights, strict=True)}
        blend = Z @ weights
        # the blend's calibration, like the learners', on single models' scores
        self.platt_ = _platt((scaled @ weights).ravel(), stacked_y)
        self.oof_auc_ = {name: fast_auc(y, oof[name].mean(axis=0)) for name in names}
        # the learners' out-of-fold log-odds on the inner folds, for diagnostics and reblends
        self.oof_log_odds_ = pd.DataFrame(Z, columns=names)
        self.oof_auc_["ensemble"] = fast_auc(y, blend)

    def _active(self) -> list[tuple[str, float]]:
        return [(n, w) for n, w in self.weights_.items() if w > 0]

    # -- scoring -------------------------------------------------------------------------
    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "weights_")
        blend = np.zeros(len(X))
        for name, weight in self._active():
            scale, shift = self.learner_platt_[name]
            blend += weight * (scale * self.learners_[name].log_odds(X) + shift)
        slope, intercept = self.platt_
        return np.asarray(slope * blend + intercept, dtype=float)

    def contributions(self, X: Any) -> tuple[np.ndarray, pd.DataFrame]:
        """The blend's base per row and each feature's contribution, in log-odds of bad.

        ``base + contributions.sum(axis=1)`` equals the log-odds of bad that ``predict_proba``
        reads (up to rounding).
        """
        return self._contributions_clean(self.clean(X))

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        _, contrib = self._contributions_clean(X)
        points = self.scale_.factor * contrib.to_numpy()
        return pd.DataFrame(np.clip(points, 0, None), columns=self.features_, index=X.index)

    def _contributions_clean(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        slope, intercept = self.platt_
        base = np.full(len(X), intercept, dtype=float)
        total = np.zeros((len(X), len(self.features_)))
        position = {c: i for i, c in enumerate(self.features_)}
        for name, weight in self._active():
            scale, shift = self.learner_platt_[name]
            learner_base, contrib = self.learners_[name].contributions(X)
            base += slope * weight * (scale * learner_base + shift)
            columns = [position[c] for c in contrib.columns]
            total[:, columns] += slope * weight * scale * contrib.to_numpy()
        return base, pd.DataFrame(total, columns=self.features_, index=X.index)
