"""The gradient-boosted model: LightGBM with monotone constraints and calibrated probabilities.

Monotone constraints come from optbinning's binning of each numeric feature (the same binning a
scorecard would use): an event rate that only rises across the bins constrains the model to
raise risk with the feature, one that only falls to lower it; peaks, valleys and categorical
features are left free. Special values (96/98...) are given to LightGBM as missing, which it
routes on its own; categories are LightGBM categoricals fixed at fit time (unseen = missing).
Constraints use LightGBM's ``intermediate`` method: ``basic`` also blocks useful splits below a
constrained one and cost about 0.0015 AUC on Give Me Some Credit (GMSC) for nothing.

The rest is chosen from the training data alone, on a stratified ``calibration_folds``-fold
split of it (the *inner folds*; early stopping on each held-out fold sets the number of trees):
(1) constraints are the default and are dropped only on evidence that they cost ranking power:
each constrained feature is freed alone on the first inner fold; those whose held-out AUC rises
are freed together on every inner fold, and so, as a second candidate, is every constraint
(constraints can cost AUC only jointly); a candidate is kept only if it beats the fully
constrained model on every inner fold and by ``min_auc_gain`` out of fold. A marginal trend can
disagree with a feature's effect once the others are known (on GMSC the number of open credit
lines lowers risk alone and raises it in the model: its constraint cost about 0.002 AUC).
``binning_trends_`` keeps the binning's trends, ``freed_constraints_`` the evidence for each
trend dropped; ``free_constraints=False`` keeps them all. (2) The tree shape among ``SHAPES``
by out-of-fold AUC, as a race: a shape that loses the first inner fold is not run on the others.
(3) Platt (or isotonic) calibration on the chosen model's out-of-fold raw scores. The booster is
then refitted on all rows with the inner folds' mean number of trees: one booster, so scoring
costs one model's trees (averaging the fold boosters instead lost 0.006 AUC on HMEQ, where all
the rows matter). The learning rate is 0.03: against 0.05 it gains a little on all three
benchmark books (5-fold AUC GMSC 0.86597 to 0.86601, HMEQ 0.9735 to 0.9738, German 0.7744 to
0.7769) for about 1.5 times the trees. ``settings_`` records what was chosen, ``trials_`` every
inner-fold run.

Platt scaling is monotone, so it changes no ranking, and TreeSHAP contributions stay additive
on the calibrated log-odds scale (they are multiplied by the Platt slope). The score is on the
scorecard's PDO scale, rounded to integer points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from optbinning import OptimalBinning
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk.estimator import RiskModel

__all__ = ["GBMModel", "inner_folds", "lgb_frame", "trend_of"]


def trend_of(event_rates: np.ndarray) -> int:
    """Return +1 if event rates never fall, -1 if they never rise, else 0 (peak, valley, flat).

    >>> [trend_of(np.array(r)) for r in ([0.1, 0.2, 0.4], [0.3, 0.1], [0.1, 0.3, 0.2])]
    [1, -1, 0]
    """
    if len(event_rates) < 2:
        return 0
    steps = np.diff(event_rates)
    if np.all(steps >= 0) and np.any(steps > 0):
        return 1
    if np.all(steps <= 0) and np.any(steps < 0):
        return -1
    return 0


#: Tree shapes (num_leaves, min_child_samples) tried when neither is fixed: a small, cautious
#: tree for small or smooth books (German credit, GMSC) and a deep one for books with sharp
#: local structure (HMEQ, where it adds about 0.002 AUC over LightGBM's default 31 leaves).
SHAPES = ((15, 40), (63, 10))


def lgb_frame(
    X: pd.DataFrame,
    features: Sequence[str],
    categories: Mapping[str, Sequence[Any]],
    special_codes: Mapping[str, Sequence[float]],
) -> pd.DataFrame:
    """Cleaned columns as LightGBM reads them: categories fixed at fit time (unseen ones
    missing), special codes missing."""
    columns: dict[str, Any] = {}
    for column in features:
        values = X[column]
        if column in categories:
            known = list(categories[column])
            # an unseen category is missing (pandas would warn, then refuse, to code it)
            values = values.where(values.isin(known), None)
            columns[column] = pd.Categorical(values, categories=known)
        else:
            codes = special_codes.get(column)
            columns[column] = values.where(~values.isin(codes), np.nan) if codes else values
    return pd.DataFrame(columns, index=X.index)


def inner_folds(
    y: np.ndarray, folds: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The inner folds of the training rows: stratified, shuffled with ``random_state``.

    The GBM's search and the ensemble use the same split, so the GBM's out-of-fold scores serve
    the ensemble as held-out predictions.
    """
    split = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    return [(train, held) for train, held in split.split(np.zeros(len(y)), y)]


@dataclass(frozen=True)
class _Fold:
    """One inner fold: its held-out rows and LightGBM datasets, binned once for every trial."""

    held: np.ndarray
    train: lgb.Dataset
    valid: lgb.Dataset


@dataclass(frozen=True)
class _Trial:
    """One inner-fold run: its shape, constraints, out-of-fold raw scores and trees per fold."""

    shape: tuple[int, int]
    constraints: tuple[int, ...]
    margins: np.ndarray
    trees: tuple[int, ...]
    fold_aucs: tuple[float, ...]
    auc: float


class GBMModel(RiskModel):
    """A LightGBM classifier on raw frames, monotone where the binning says so, calibrated.

    ``num_leaves`` and ``min_child_samples`` left as ``None`` are chosen among ``SHAPES`` by
    the out-of-fold AUC of the inner folds (``tree_shape_``).
    ``decision_score`` gives integer points on the PDO scale (higher is better),
    ``predict_proba`` the calibrated probability of bad, ``monotone_constraints_`` the
    constraint given to each feature (+1 risk rises with it, -1 falls, 0 free),
    ``binning_trends_`` the trend the binning found, ``freed_constraints_`` the trends
    dropped on inner-fold evidence, ``settings_`` the chosen settings.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 1000,
        learning_rate: float = 0.03,
        num_leaves: int | None = None,
        min_child_samples: int | None = None,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        monotone: bool = True,
        monotone_min_iv_share: float = 0.9,
        monotone_method: str = "intermediate",
        free_constraints: bool = True,
        min_auc_gain: float = 0.0002,
        max_free_trials: int = 12,
        calibration: str = "sigmoid",
        calibration_folds: int = 3,
        early_stopping_rounds: int = 50,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        features: str = "auto",
        drop: Sequence[str] = (),
        special_codes: Mapping[str, Sequence[float]] | None = None,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.monotone = monotone
        self.monotone_min_iv_share = monotone_min_iv_share
        self.monotone_method = monotone_method
        self.free_constraints = free_constraints
        self.min_auc_gain = min_auc_gain
        self.max_free_trials = max_free_trials
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.early_stopping_rounds = early_stopping_rounds
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.features = features
        self.drop = drop
        self.special_codes = special_codes
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting -------------------------------------------------------------------------
    def _fit_clean(self, X: pd.DataFrame, y: np.ndarray) -> list[str]:
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ValueError(
                f"calibration must be 'sigmoid' or 'isotonic' (got {self.calibration!r})"
            )
        self.features_ = list(X.columns)
        self.categories_ = {
            c: sorted(X[c].dropna().unique().tolist())
            for c, kind in self.kinds_.items()
            if kind == "categorical"
        }
        self.monotone_iv_: dict[str, float] = {}
        self.binning_trends_ = {c: self._constraint(X[c], y) for c in self.features_}
        frame = self._lgb_frame(X)
        self.trials_: list[dict[str, Any]] = []
        self.freed_constraints_: dict[str, dict[str, float]] = {}
        best = self._search(frame, y)
        self.monotone_constraints_ = dict(zip(self.features_, best.constraints, strict=True))
        self.tree_shape_ = best.shape
        self.n_estimators_ = max(1, int(np.mean(best.trees)))
        self.booster_ = lgb.train(
            self._params(best.shape, best.constraints),
            self._dataset(frame, y),
            num_boost_round=self.n_estimators_,
        )
        margins = best.margins if len(best.margins) else self._raw(frame, raw_score=True)
        self._fit_calibration(margins, y)
        # the chosen setting's out-of-fold scores on the inner folds, calibrated (empty when
        # there were too few bads for inner folds)
        self.oof_log_odds_ = (
            self.platt_[0] * best.margins + self.platt_[1] if len(best.margins) else best.margins
        )
        self.settings_ = {
            "num_leaves": best.shape[0],
            "min_child_samples": best.shape[1],
            "n_estimators": self.n_estimators_,
            "learning_rate": self.learning_rate,
            "monotone_method": self.monotone_method,
            "inner_auc": best.auc,
        }
        return []

    def _constraint(self, values: pd.Series, y: np.ndarray) -> int:
        """The binning trend of a numeric feature, if a monotone binning explains it well.

        A monotone binning (ascending or descending, whichever optbinning finds better) must
        keep at least ``monotone_min_iv_share`` of the information value of an unconstrained
        binning; otherwise the relation is not monotone (HMEQ's debt-to-income ratio, where
        missing and extreme values both mean risk) and the feature is left free.
        """
        name = str(values.name)
        if not self.monotone or self.kinds_[name] == "categorical":
            return 0
        x = values.to_numpy(dtype=float)
        codes = self.special_codes_.get(name) or None
        binnings = {}
        for trend in ("auto_asc_desc", None):
            binning = OptimalBinning(
                name=name, monotonic_trend=trend, min_prebin_size=0.02, special_codes=codes
            )
            # optbinning's trend detection divides by a zero range on a one-prebin feature
            with np.errstate(invalid="ignore", divide="ignore"):
                binning.fit(x, y)
            binnings[trend] = binning
        monotone, free = binnings["auto_asc_desc"], binnings[None]
        n_bins = len(monotone.splits) + 1
        table = monotone.binning_table.build()
        rates = table["Event rate"].to_numpy(dtype=float)[:n_bins]
        iv_monotone = float(table["IV"].to_numpy(dtype=float)[:n_bins].sum())
        self.monotone_iv_[name] = iv_monotone
        free_table = free.binning_table.build()
        iv_free = float(free_table["IV"].to_numpy(dtype=float)[: len(free.splits) + 1].sum())
        if iv_free <= 0 or iv_monotone < self.monotone_min_iv_share * iv_free:
            return 0
        return trend_of(rates)

    def _lgb_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        return lgb_frame(X, self.features_, self.categories_, self.special_codes_)

    def _shapes(self) -> list[tuple[int, int]]:
        """Candidate (num_leaves, min_child_samples); ``None`` parameters are chosen by CV."""
        if self.num_leaves is None and self.min_child_samples is None:
            return list(SHAPES)
        leaves = [self.num_leaves] if self.num_leaves is not None else [s[0] for s in SHAPES]
        children = (
            [self.min_child_samples]
            if self.min_child_samples is not None
            else [s[1] for s in SHAPES]
        )
        return list(dict.fromkeys((n, c) for n in leaves for c in children))

    def _threads(self) -> int:
        # LightGBM reads 0 as "OpenMP's default", i.e. every core, like n_jobs=None elsewhere
        if self.n_jobs is None:
            return 0
        return self.n_jobs if self.n_jobs > 0 else max(1, (os.cpu_count() or 1) + 1 + self.n_jobs)

    def _params(self, shape: tuple[int, int], constraints: Sequence[int]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": shape[0],
            "min_child_samples": shape[1],
            "subsample": self.subsample,
            "subsample_freq": 1,
            "colsample_bytree": self.colsample_bytree,
            "reg_lambda": self.reg_lambda,
            "seed": self.random_state,
            "num_threads": self._threads(),
            "verbose": -1,
        }
        if any(constraints):
            params["monotone_constraints"] = list(constraints)
            params["monotone_constraints_method"] = self.monotone_method
        return params

    @staticmethod
    def _dataset(
        frame: pd.DataFrame, y: np.ndarray, reference: lgb.Dataset | None = None
    ) -> lgb.Dataset:
        # no pre-filtering: one binned dataset serves every shape (min_child_samples varies)
        return lgb.Dataset(
            frame, y, reference=reference, params={"feature_pre_filter": False, "verbose": -1}
        )

    # -- the inner-fold search -----------------------------------------------------------
    def _search(self, frame: pd.DataFrame, y: np.ndarray) -> _Trial:
        """Constraints, then tree shape, each kept only if inner out-of-fold AUC says so."""
        trends = tuple(self.binning_trends_[c] for c in self.features_)
        shapes = self._shapes()
        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        if folds < 2:  # too few bads to hold any out: no search, no early stopping
            empty = np.zeros(0)
            return _Trial(shapes[0], trends, empty, (self.n_estimators,), (), float("nan"))
        inner = self._inner_folds(frame, y, folds)
        best = self._trial(frame, y, inner, shapes[0], trends)
        if self.free_constraints and any(trends):
            best = self._freed(frame, y, inner, best)
        for shape in shapes[1:]:
            trial = self._trial(frame, y, inner, shape, best.constraints, rival=best)
            if trial.auc > best.auc:
                best = trial
        return best

    def _inner_folds(self, frame: pd.DataFrame, y: np.ndarray, folds: int) -> list[_Fold]:
        inner = []
        for train, held in inner_folds(y, folds, self.random_state):
            data = self._dataset(frame.iloc[train], y[train])
            inner.append(_Fold(held, data, self._dataset(frame.iloc[held], y[held], data)))
        return inner

    def _trial(
        self,
        frame: pd.DataFrame,
        y: np.ndarray,
        inner: Sequence[_Fold],
        shape: tuple[int, int],
        constraints: tuple[int, ...],
        rival: _Trial | None = None,
    ) -> _Trial:
        """Out-of-fold raw scores of one setting on the given inner folds.

        With a ``rival``, a race: the setting goes on to the other folds only if it beats the
        rival on the first one (it then has no out-of-fold AUC and cannot be chosen); this
        saves most of the cost of a losing shape on a large book.
        """
        margins = np.full(len(y), np.nan)
        trees: list[int] = []
        fold_aucs: list[float] = []
        for fold in inner:
            held = fold.held
            booster = lgb.train(
                self._params(shape, constraints),
                fold.train,
                num_boost_round=self.n_estimators,
                valid_sets=[fold.valid],
                callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
            )
            best = int(booster.best_iteration or self.n_estimators)
            trees.append(best)
            margins[held] = booster.predict(frame.iloc[held], raw_score=True, num_iteration=best)
            fold_aucs.append(float(roc_auc_score(y[held], margins[held])))
            if rival is not None and fold_aucs[0] <= rival.fold_aucs[0]:
                break
        rows = ~np.isnan(margins)
        complete = len(fold_aucs) == len(inner)
        auc = float(roc_auc_score(y[rows], margins[rows])) if complete else float("nan")
        self.trials_.append(
            {
                "num_leaves": shape[0],
                "min_child_samples": shape[1],
                "freed": [
                    c
                    for c, k in zip(self.features_, constraints, strict=True)
                    if self.binning_trends_[c] and not k
                ],
                "auc": auc,
                "fold_aucs": fold_aucs,
                "trees": trees,
            }
        )
        return _Trial(shape, constraints, margins, tuple(trees), tuple(fold_aucs), auc)

    def _freed(
        self,
        frame: pd.DataFrame,
        y: np.ndarray,
        inner: Sequence[_Fold],
        constrained: _Trial,
    ) -> _Trial:
        """Free the constraints that cost held-out AUC, if freeing them helps on most folds.

        Each constrained feature (the ``max_free_trials`` strongest, by the information value
        of their monotone binning) is freed alone on the first inner fold; those that raise its
        AUC are freed together on every fold, and so, as a second candidate, is every
        constraint. A candidate is kept only if it beats the constrained model on every inner
        fold and by ``min_auc_gain`` out of fold, so that noise on a small book does not drop
        a constraint; the better of the two wins.
        """
        gains: dict[int, float] = {}
        # one trial per constrained feature: on a wide book (a card's history summaries) only
        # the strongest ones, by the information value of their monotone binning
        constrained_ones = [i for i, t in enumerate(constrained.constraints) if t != 0]
        strongest = sorted(
            constrained_ones,
            key=lambda i: -self.monotone_iv_.get(self.features_[i], 0.0),
        )[: self.max_free_trials]
        for index in sorted(strongest):
            alone = tuple(0 if i == index else t for i, t in enumerate(constrained.constraints))
            trial = self._trial(frame, y, inner[:1], constrained.shape, alone)
            gains[index] = trial.fold_aucs[0] - constrained.fold_aucs[0]
        costly = [i for i, gain in gains.items() if gain > 0]
        # the costly ones together, then every trend: constraints can cost AUC only jointly
        # (two collinear past-due counts, each harmless alone), which one-at-a-time misses
        candidates = [c for c in (costly, constrained_ones) if c]
        best, best_freed = constrained, []
        for freeing in dict.fromkeys(tuple(c) for c in candidates):
            freed = tuple(0 if i in freeing else t for i, t in enumerate(constrained.constraints))
            trial = self._trial(frame, y, inner, constrained.shape, freed)
            every_fold = all(
                a > b for a, b in zip(trial.fold_aucs, constrained.fold_aucs, strict=True)
            )
            if every_fold and trial.auc >= max(best.auc, constrained.auc + self.min_auc_gain):
                best, best_freed = trial, list(freeing)
        if best is constrained:
            return constrained
        self.freed_constraints_ = {
            self.features_[i]: {
                "trend": float(constrained.constraints[i]),
                "auc_gain": gains.get(i, float("nan")),
                "oof_auc_gain": best.auc - constrained.auc,
            }
            for i in best_freed
        }
        return best

    def _fit_calibration(self, margins: np.ndarray, y: np.ndarray) -> None:
        if self.calibration == "sigmoid":
            platt = LogisticRegression(C=1e6, solver="lbfgs").fit(margins.reshape(-1, 1), y)
            self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        else:
            self.platt_ = (1.0, 0.0)
            self.isotonic_ = IsotonicRegression(
                out_of_bounds="clip", y_min=1e-6, y_max=1 - 1e-6
            ).fit(margins, y)

    # -- scoring -------------------------------------------------------------------------
    def _raw(self, frame: pd.DataFrame, **kwargs: Any) -> np.ndarray:
        # every call names its threads: the booster otherwise keeps the fit-time setting
        raw = self.booster_.predict(frame, num_threads=self._threads(), **kwargs)
        return np.asarray(raw, dtype=float)

    def raw_log_odds(self, X: pd.DataFrame) -> np.ndarray:
        """LightGBM's uncalibrated log-odds of bad for cleaned columns."""
        return self._raw(self._lgb_frame(X), raw_score=True)

    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        margins = self.raw_log_odds(X)
        if self.calibration == "isotonic":
            p = self.isotonic_.predict(margins)
            return np.asarray(np.log(p / (1.0 - p)), dtype=float)
        slope, intercept = self.platt_
        return slope * margins + intercept

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        contributions = self._raw(self._lgb_frame(X), pred_contrib=True)[:, :-1]
        points = self.scale_.factor * self.platt_[0] * contributions
        return pd.DataFrame(np.clip(points, 0, None), columns=self.features_, index=X.index)
