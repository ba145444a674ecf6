"""The ensemble's learners: each gives held-out log-odds on the inner folds, then additive reasons.

Every learner works on the ensemble's cleaned frame (built features included) and offers the
same three things:

- ``fit(X, y, splits)`` returns its out-of-fold log-odds of bad, one row per repeat of the
  inner split (``splits[r]`` holds the folds of repeat ``r``; a learner that searches its
  settings searches on ``splits[0]`` only and scores the chosen settings on one fresh split per
  repeat), and leaves a model fitted on all rows;
- ``log_odds(X)``;
- ``contributions(X)``: a base per row and one column per feature, in log-odds of bad, that add
  up to ``log_odds(X)`` exactly. A linear blend of learners keeps that sum, which is how the
  ensemble's reason codes are SHAP values of the blend.

The learners:

- **scorecard** (:class:`~fairdebt.risk.scorecard.Scorecard`): refitted on each inner fold;
  contributions are each feature's points against its average over the training rows (the
  points are additive, so this is their exact SHAP value);
- **gbm** (:class:`~fairdebt.risk.gbm.GBMModel`): fitted once (its own search runs on inner
  folds of the same rows); its held-out scores come from the chosen shape, constraints and
  number of trees refitted on a fresh split of the rows, one booster per fold, since the scores
  of its own search chose those settings on the folds they were scored on; contributions are
  TreeSHAP times the Platt slope;
- **lightgbm**: LightGBM tuned by Optuna on the inner folds within a time budget
  (:mod:`fairdebt.risk.tuning`); its held-out scores come from the chosen settings refitted on
  a fresh split of the same rows (the best of many trials looks better than it is on the folds
  that chose it); TreeSHAP;
- **forest**: a random forest in LightGBM's ``rf`` mode (bagged, deep, decorrelated trees on
  LightGBM's histogram bins, missing values and categories handled natively); refitted on each
  inner fold; TreeSHAP;
- **extratrees**: extremely randomised trees from scikit-learn
  (:mod:`fairdebt.risk.extratrees`); refitted on each inner fold; TreeSHAP from ``shap``;
- **randomforest**: Breiman's random forest from scikit-learn (same module); refitted on each
  inner fold; TreeSHAP from ``shap``;
- **logit**: a penalised logistic regression on spline bases (:mod:`fairdebt.risk.linear`),
  its penalty chosen on the inner folds and its held-out scores from a fresh split; its own
  additive terms;
- **pairs** (small books only, :data:`SMALL_BOOK_LEARNERS`): the logit's design plus pairwise
  products of the features' linear columns (:class:`~fairdebt.risk.linear.PairDesign`), the
  penalty and the products' weight chosen on the inner folds, held-out scores from a fresh
  split; each product's term is split half to each of its two features.

In a first version the gbm's and the lightgbm's held-out scores were those of their own searches;
on a synthetic card book the selection then gave most of the weight to whichever had looked best
on the folds that chose its settings, not to the learner that did best on new rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController

from fairdebt.risk.budget import BIG_BOOK_TREES, SAMPLE_ROWS, stratified_sample
from fairdebt.risk.gbm import GBMModel, inner_folds, lgb_frame
from fairdebt.risk.linear import PairDesign, SplineDesign, fit_penalised, fit_penalised_pairs
from fairdebt.risk.scorecard import Scorecard
from fairdebt.risk.tuning import lgb_dataset, tune_lightgbm

__all__ = [
    "LEARNERS",
    "SMALL_BOOK_LEARNERS",
    "Learner",
    "fresh_folds",
    "make_learner",
    "repeat_seed",
]

#: The learners an ensemble can hold, by name.
LEARNERS = (
    "scorecard",
    "gbm",
    "lightgbm",
    "forest",
    "extratrees",
    "randomforest",
    "logit",
    "pairs",
)
_THREADS = ThreadpoolController()

#: Learners that join only on a small book (rarer class at most ``SMALL_BOOK_RARE`` rows, at
#: most ``BIG_BOOK`` rows): ``pairs`` builds up to 1,500 product columns for every row.
SMALL_BOOK_LEARNERS = ("pairs",)

#: The spline logit's penalties on a big book (every other value of the usual grid).
BIG_BOOK_GRID = (0.01, 0.1, 1.0)

_Folds = Sequence[tuple[np.ndarray, np.ndarray]]
#: How far apart the seeds of two repeats of the inner split are (repeat 0 keeps the seed).
REPEAT_STRIDE = 1000


def repeat_seed(random_state: int, repeat: int) -> int:
    """The shuffle seed of repeat ``repeat`` of the inner split (repeat 0: ``random_state``).

    >>> repeat_seed(0, 0), repeat_seed(0, 2)
    (0, 2000)
    """
    return int(random_state) + REPEAT_STRIDE * int(repeat)


def fresh_folds(y: np.ndarray, folds: int, random_state: int, repeats: int) -> list[_Folds]:
    """The fresh splits a searching learner scores its chosen settings on, one per repeat.

    Repeat 0 is the split of ``random_state + 1`` that the learners used before repeats.
    """
    return [inner_folds(y, folds, repeat_seed(random_state, r) + 1) for r in range(repeats)]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.asarray(np.log(p / (1.0 - p)), dtype=float)


class Learner:
    """One learner of the ensemble (see the module docstring)."""

    name = ""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = dict(context)

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        raise NotImplementedError

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What the learner chose, for the model card."""
        return {}


class ScorecardLearner(Learner):
    name = "scorecard"

    def _model(self) -> Scorecard:
        # the small-book settings: penalty chosen on inner folds, pre-bins of 40 rows or more;
        # the binning limits stay optbinning's (the seventh pass measured them on the card alone)
        return Scorecard(
            features="none",
            C="auto",
            bin_limits="none",
            min_prebin_rows=40,
            special_codes=self.context["special_codes"],
            n_jobs=self.context["n_jobs"],
        )

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        oof = np.full((len(splits), len(y)), np.nan)
        for r, folds in enumerate(splits):
            for train, held in folds:
                fold = clone(self._model()).fit(X.iloc[train], y[train])
                oof[r, held] = _logit(fold.predict_proba(X.iloc[held])[:, 1])
        self.model_ = self._model().fit(X, y)
        self.mean_points_ = self.model_.transform(X).mean(axis=0)
        return oof

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        clean = self.model_.clean(X)
        return np.asarray(self.model_._log_odds_bad(clean), dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        model = self.model_
        points, segment = model._points_and_segment(model.clean(X))
        factor = model.scale_.factor
        contrib = -(points - self.mean_points_[None, :]) / factor
        base = (
            model.scale_.offset - self.mean_points_.sum() - model.base_points_[segment]
        ) / factor
        return base, pd.DataFrame(contrib, columns=model.features_, index=X.index)

    def describe(self) -> dict[str, Any]:
        return {"features": len(self.model_.features_), "segments": len(self.model_.segments_)}


class GBMLearner(Learner):
    name = "gbm"

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        folds = splits[0]
        self.model_ = GBMModel(
            features="none",
            special_codes=self.context["special_codes"],
            random_state=self.context["random_state"],
            calibration_folds=len(folds),
            n_jobs=self.context["n_jobs"],
        ).fit(X, y)
        model = self.model_
        if self.context.get("big") and len(model.oof_log_odds_):
            # a big book: the optimism of the best of a few settings is small (budget module)
            return np.asarray(model.oof_log_odds_, dtype=float)[None, :]
        # its own inner-fold scores chose its shape, constraints and trees on those very folds:
        # the held-out scores for the blend come from the chosen settings on a fresh split
        frame = model._lgb_frame(model.clean(X))
        params = model._params(
            model.tree_shape_, [model.monotone_constraints_[c] for c in model.features_]
        )
        oof = np.full((len(splits), len(y)), np.nan)
        fresh = fresh_folds(y, len(folds), self.context["random_state"], len(splits))
        for r, split in enumerate(fresh):
            for train, held in split:
                booster = lgb.train(
                    params,
                    lgb_dataset(frame.iloc[train], y[train]),
                    num_boost_round=model.n_estimators_,
                )
                oof[r, held] = booster.predict(frame.iloc[held], raw_score=True)
        return oof

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model_._log_odds_bad(self.model_.clean(X)), dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        model = self.model_
        raw = model._raw(model._lgb_frame(model.clean(X)), pred_contrib=True)
        slope, intercept = model.platt_
        contrib = slope * raw[:, :-1]
        base = slope * raw[:, -1] + intercept
        return base, pd.DataFrame(contrib, columns=model.features_, index=X.index)

    def describe(self) -> dict[str, Any]:
        return dict(self.model_.settings_)


class _BoosterLearner(Learner):
    """A LightGBM booster on the ensemble's columns (categories fixed at fit time)."""

    booster_: lgb.Booster

    def _frame(self, X: pd.DataFrame) -> pd.DataFrame:
        return lgb_frame(X, self.columns_, self.categories_, self.context["special_codes"])

    def _prepare(self, X: pd.DataFrame) -> pd.DataFrame:
        kinds = self.context["kinds"]
        self.columns_ = list(X.columns)
        self.categories_ = {
            c: sorted(X[c].dropna().unique().tolist())
            for c in self.columns_
            if kinds.get(c) == "categorical"
        }
        return self._frame(X)

    def _threads(self) -> int:
        n_jobs = self.context["n_jobs"]
        return 0 if n_jobs is None else max(1, int(n_jobs))

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        raw = self.booster_.predict(self._frame(X), raw_score=True, num_threads=self._threads())
        return np.asarray(raw, dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        raw: np.ndarray = np.asarray(
            self.booster_.predict(self._frame(X), pred_contrib=True, num_threads=self._threads())
        ).astype(float)
        return raw[:, -1], pd.DataFrame(raw[:, :-1], columns=self.columns_, index=X.index)


class TunedLightGBMLearner(_BoosterLearner):
    name = "lightgbm"

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        folds = splits[0]
        frame = self._prepare(X)
        big = bool(self.context.get("big"))
        budget = self.context.get("budget")
        self.tuned_ = tune_lightgbm(
            frame,
            y,
            folds,
            # the seconds left of the ensemble's budget (it runs last), less its own refits
            time_budget=budget.left() if budget is not None else self.context["time_budget"],
            max_trials=self.context["max_trials"],
            random_state=self.context["random_state"],
            threads=self._threads(),
            # its refits: the final fit, and one fresh split per repeat on a small book
            reserve_trials=1.0 if big else 1.0 + len(splits),
        )
        self.booster_ = lgb.train(
            self.tuned_.params, lgb_dataset(frame, y), num_boost_round=self.tuned_.trees
        )
        if big:
            # a big book: the search's own held-out scores (budget module)
            return np.asarray(self.tuned_.margins, dtype=float)[None, :]
        # the winner of many trials on these folds looks better on them than it is: its
        # held-out scores for the blend come from a fresh split with the chosen settings
        oof = np.full((len(splits), len(y)), np.nan)
        fresh = fresh_folds(y, len(folds), self.context["random_state"], len(splits))
        for r, split in enumerate(fresh):
            for train, held in split:
                booster = lgb.train(
                    self.tuned_.params,
                    lgb_dataset(frame.iloc[train], y[train]),
                    num_boost_round=self.tuned_.trees,
                )
                oof[r, held] = booster.predict(frame.iloc[held], raw_score=True)
        return oof

    def describe(self) -> dict[str, Any]:
        keep = ("learning_rate", "num_leaves", "min_child_samples", "colsample_bytree")
        return {
            **{k: self.tuned_.params[k] for k in keep},
            "subsample": self.tuned_.params["subsample"],
            "reg_lambda": self.tuned_.params["reg_lambda"],
            "trees": self.tuned_.trees,
            "trials": len(self.tuned_.trials),
            "inner_auc": self.tuned_.auc,
            "seconds": round(self.tuned_.seconds, 2),
        }


class ForestLearner(_BoosterLearner):
    """Breiman's recipe: bootstrap-size bags, about sqrt(p) features per split, deep trees."""

    name = "forest"
    trees = 300

    def _trees(self) -> int:
        asked = self.context.get("trees")  # the ensemble's ``trees``, on any book
        if asked is not None:
            return int(asked)
        return BIG_BOOK_TREES if self.context.get("big") else self.trees

    def _params(self, n_rows: int, n_features: int) -> dict[str, Any]:
        return {
            "objective": "binary",
            "boosting": "rf",
            "bagging_fraction": 0.632,
            "bagging_freq": 1,
            "feature_fraction_bynode": float(
                np.clip(np.sqrt(n_features) / n_features, 1.0 / n_features, 1.0)
            ),
            "num_leaves": int(np.clip(n_rows // 20, 16, 512)),
            "min_child_samples": 5,
            "max_depth": -1,
            "seed": self.context["random_state"],
            "num_threads": self._threads(),
            "verbose": -1,
        }

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        frame = self._prepare(X)
        oof = np.full((len(splits), len(y)), np.nan)
        for r, folds in enumerate(splits):
            for train, held in folds:
                params = self._params(len(train), frame.shape[1])
                data = lgb_dataset(frame.iloc[train], y[train])
                booster = lgb.train(params, data, self._trees())
                oof[r, held] = booster.predict(frame.iloc[held], raw_score=True)
        self.params_ = self._params(len(y), frame.shape[1])
        self.booster_ = lgb.train(self.params_, lgb_dataset(frame, y), self._trees())
        return oof

    def describe(self) -> dict[str, Any]:
        return {"trees": self.booster_.num_trees(), "num_leaves": self.params_["num_leaves"]}


class SplineLogitLearner(Learner):
    """A penalised logistic regression on spline bases (:mod:`fairdebt.risk.linear`)."""

    name = "logit"

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        folds = splits[0]
        self.design_ = SplineDesign(
            kinds=self.context["kinds"], special_codes=self.context["special_codes"]
        ).fit(X)
        design = self.design_.transform(X)
        if self.context.get("big"):
            # a big book: the penalty is chosen on a stratified sample (budget module)
            rows = stratified_sample(y, SAMPLE_ROWS, self.context["random_state"])
            sample = inner_folds(y[rows], len(folds), self.context["random_state"])
            self.c_, self.grid_auc_ = fit_penalised(design[rows], y[rows], sample, BIG_BOOK_GRID)
        else:
            self.c_, self.grid_auc_ = fit_penalised(design, y, folds)
        # the chosen penalty looks best on the folds that chose it: fresh split for the blend
        fresh = fresh_folds(y, len(folds), self.context["random_state"], len(splits))
        self.model_, oof = _fit_logistic(design, y, self.c_, fresh)
        return oof

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model_.decision_function(self.design_.transform(X)), dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        terms = self.design_.contributions(self.design_.transform(X), self.model_.coef_[0])
        contrib = pd.DataFrame(0.0, index=X.index, columns=list(X.columns))
        for column in terms.columns:
            contrib[column] = terms[column].to_numpy()
        return np.full(len(X), float(self.model_.intercept_[0])), contrib

    def describe(self) -> dict[str, Any]:
        return {"C": self.c_, "columns": int(self.model_.coef_.shape[1])}


class PairLogitLearner(Learner):
    """The logit with pairwise products (:class:`~fairdebt.risk.linear.PairDesign`)."""

    name = "pairs"

    def fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        # one BLAS thread, as the scorecard's regression (fairdebt.risk.regression): at several
        # hundred columns OpenBLAS starts threads, and on a shared two-core machine they wait
        with _THREADS.limit(limits=1, user_api="blas"):
            return self._fit(X, y, splits)

    def _fit(self, X: pd.DataFrame, y: np.ndarray, splits: Sequence[_Folds]) -> np.ndarray:
        folds = splits[0]
        self.design_ = PairDesign(
            kinds=self.context["kinds"], special_codes=self.context["special_codes"]
        ).fit(X)
        (self.c_, self.scale_), self.grid_auc_ = fit_penalised_pairs(self.design_, X, y, folds)
        design = self.design_.transform(X, self.scale_)
        # the chosen settings look best on the folds that chose them: fresh split for the blend
        fresh = fresh_folds(y, len(folds), self.context["random_state"], len(splits))
        self.model_, oof = _fit_logistic(design, y, self.c_, fresh)
        return oof

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        design = self.design_.transform(X, self.scale_)
        return np.asarray(self.model_.decision_function(design), dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        design = self.design_.transform(X, self.scale_)
        terms = self.design_.contributions(design, self.model_.coef_[0])
        contrib = pd.DataFrame(0.0, index=X.index, columns=list(X.columns))
        for column in terms.columns:
            contrib[column] = terms[column].to_numpy()
        return np.full(len(X), float(self.model_.intercept_[0])), contrib

    def describe(self) -> dict[str, Any]:
        return {"C": self.c_, "product_scale": self.scale_, "products": len(self.design_.pairs_)}


def _fit_logistic(
    design: np.ndarray, y: np.ndarray, c: float, fresh: Sequence[_Folds]
) -> tuple[LogisticRegression, np.ndarray]:
    """A logistic regression at penalty ``c`` on every row, and its held-out decision values on
    each repeat of ``fresh`` folds (one row of scores per repeat)."""
    oof = np.full((len(fresh), len(y)), np.nan)
    for r, split in enumerate(fresh):
        for train, held in split:
            fold = LogisticRegression(C=c, max_iter=2000).fit(design[train], y[train])
            oof[r, held] = fold.decision_function(design[held])
    return LogisticRegression(C=c, max_iter=2000).fit(design, y), oof


def make_learner(name: str, context: Mapping[str, Any]) -> Learner:
    """The learner called ``name`` (one of :data:`LEARNERS`)."""
    # the extra trees live in their own module, which builds on Learner
    from fairdebt.risk.extratrees import ExtraTreesLearner, RandomForestLearner

    kinds: dict[str, type[Learner]] = {
        "scorecard": ScorecardLearner,
        "gbm": GBMLearner,
        "lightgbm": TunedLightGBMLearner,
        "forest": ForestLearner,
        "extratrees": ExtraTreesLearner,
        "randomforest": RandomForestLearner,
        "logit": SplineLogitLearner,
        "pairs": PairLogitLearner,
    }
    if name not in kinds:
        raise ValueError(f"unknown learner {name!r}; choose among {', '.join(LEARNERS)}")
    return kinds[name](context)
