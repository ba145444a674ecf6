"""LightGBM tuned inside the training rows: Optuna over the tree settings, within a time budget.

A tuned LightGBM is both an anchor the ensemble must beat and one of its learners. Tuning sees
only the rows it is given (in a cross-validation, the training folds): each trial trains one
booster per inner fold, early-stopped on that fold's held-out rows, and is scored by the
out-of-fold AUC over all of them. Optuna's TPE sampler (seeded) proposes the settings; a median
pruner stops a trial whose first folds are already worse than the median of earlier trials at
the same fold; the study stops after ``max_trials`` trials or when ``time_budget`` seconds have
passed, whichever comes first (so on a loaded machine fewer trials run, and the result can
differ: the budget is a promise about time, the trial cap about reproducibility). The first
trial is always LightGBM's usual settings (31 leaves, 20 rows per leaf), so the tuned model is
never worse on the inner folds than an untuned one.

The result keeps the best settings, the mean early-stopped number of trees and the best
trial's out-of-fold raw scores, which the ensemble uses as that learner's held-out predictions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = ["DEFAULT_TRIAL", "Tuned", "lgb_dataset", "tune_lightgbm"]

#: The first trial: LightGBM's usual settings with light subsampling.
DEFAULT_TRIAL: dict[str, Any] = {
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "colsample_bytree": 0.8,
    "subsample": 0.8,
    "reg_lambda": 1.0,
    "min_split_gain": 0.0,
}


@dataclass
class Tuned:
    """What tuning found: LightGBM parameters, trees, out-of-fold raw scores and the trials."""

    params: dict[str, Any]
    trees: int
    margins: np.ndarray
    auc: float
    trials: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def lgb_dataset(
    frame: pd.DataFrame, y: np.ndarray, reference: lgb.Dataset | None = None
) -> lgb.Dataset:
    """A LightGBM dataset binned once for every trial (no pre-filtering of features)."""
    return lgb.Dataset(
        frame, y, reference=reference, params={"feature_pre_filter": False, "verbose": -1}
    )


def _booster_params(setting: dict[str, Any], *, seed: int, threads: int) -> dict[str, Any]:
    return {
        "objective": "binary",
        "learning_rate": setting["learning_rate"],
        "num_leaves": int(setting["num_leaves"]),
        "min_child_samples": int(setting["min_child_samples"]),
        "colsample_bytree": setting["colsample_bytree"],
        "subsample": setting["subsample"],
        "subsample_freq": 1,
        "reg_lambda": setting["reg_lambda"],
        "min_split_gain": setting["min_split_gain"],
        "seed": seed,
        "num_threads": threads,
        "verbose": -1,
    }


def tune_lightgbm(
    frame: pd.DataFrame,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    time_budget: float = 60.0,
    max_trials: int = 40,
    max_trees: int = 2000,
    early_stopping_rounds: int = 100,
    random_state: int = 0,
    threads: int = 0,
    reserve_trials: float = 0.0,
) -> Tuned:
    """Tune LightGBM on ``folds`` (pairs of training and held-out row positions of ``frame``).

    ``frame`` holds LightGBM-ready columns (numbers, pandas categoricals); ``y`` is 0/1.
    ``reserve_trials`` keeps that many first trials' worth of seconds out of the study, for
    the refits a caller runs after it within the same budget.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    started = time.perf_counter()
    data = []
    for train, held in folds:
        fit = lgb_dataset(frame.iloc[train], y[train])
        data.append((train, held, fit, lgb_dataset(frame.iloc[held], y[held], fit)))
    results: dict[int, tuple[np.ndarray, list[int]]] = {}
    trials: list[dict[str, Any]] = []

    def objective(trial: Any) -> float:
        setting = {
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 4, 256, log=True),
            "min_child_samples": trial.suggest_int("min_child_samples", 2, 300, log=True),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.3, 1.0),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 30.0, log=True),
            "min_split_gain": trial.suggest_float("min_split_gain", 0.0, 1.0),
        }
        params = _booster_params(setting, seed=random_state, threads=threads)
        margins = np.full(len(y), np.nan)
        trees = []
        for step, (_, held, fit, valid) in enumerate(data):
            booster = lgb.train(
                params,
                fit,
                num_boost_round=max_trees,
                valid_sets=[valid],
                callbacks=[lgb.early_stopping(early_stopping_rounds, verbose=False)],
            )
            best = int(booster.best_iteration or max_trees)
            trees.append(best)
            margins[held] = booster.predict(frame.iloc[held], raw_score=True, num_iteration=best)
            trial.report(float(roc_auc_score(y[held], margins[held])), step)
            if trial.should_prune():
                trials.append({**setting, "auc": None, "pruned_at_fold": step + 1})
                raise optuna.TrialPruned()
        auc = float(roc_auc_score(y, margins))
        results[trial.number] = (margins, trees)
        trials.append({**setting, "auc": auc, "trees": trees})
        return auc

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=random_state, n_startup_trials=8),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=0),
    )
    study.enqueue_trial(DEFAULT_TRIAL)
    # the usual settings run whatever the budget (Optuna checks its timeout before a trial)
    study.optimize(objective, n_trials=1)
    first = time.perf_counter() - started
    remaining = time_budget - first - reserve_trials * first
    if max_trials > 1 and remaining > 0:
        study.optimize(objective, n_trials=max_trials - 1, timeout=remaining)
    best = study.best_trial
    margins, trees = results[best.number]
    setting = {**DEFAULT_TRIAL, **best.params}
    return Tuned(
        params=_booster_params(setting, seed=random_state, threads=threads),
        trees=max(1, int(np.mean(trees))),
        margins=margins,
        auc=float(best.value or 0.0),
        trials=trials,
        seconds=time.perf_counter() - started,
    )
