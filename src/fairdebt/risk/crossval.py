"""Stratified cross-validation of a risk model: AUC and KS over folds, and the time taken.

This is what ``fairdebt risk cv`` prints and what ``benchmarks/risk.py`` runs for every model,
so fairdebt's own models and the library baselines are measured the same way. Where rows come
in groups (one loan observed on several dates in a collection-score sample), ``groups`` keeps
each group inside one fold, so that a model is never tested on a loan it was trained on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

__all__ = ["cross_validate", "ks_statistic"]


def ks_statistic(y: np.ndarray, p_bad: np.ndarray) -> float:
    """Return the Kolmogorov-Smirnov distance between the score distributions of bad and good.

    >>> ks_statistic(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]))
    1.0
    >>> ks_statistic(np.array([0, 1, 0, 1]), np.array([0.1, 0.2, 0.3, 0.4]))
    0.5
    """
    fpr, tpr, _ = roc_curve(y, p_bad)
    return float(np.max(tpr - fpr))


def _fit_fold(
    model: Any, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> tuple[float, float, float]:
    """AUC, KS and fit seconds of a clone of ``model`` fitted on ``train``, tested on ``test``."""
    fitted = clone(model)
    tick = time.perf_counter()
    fitted.fit(X.iloc[train], y[train])
    seconds = time.perf_counter() - tick
    p_bad = fitted.predict_proba(X.iloc[test])[:, 1]
    return float(roc_auc_score(y[test], p_bad)), ks_statistic(y[test], p_bad), seconds


def cross_validate(
    model: Any,
    X: Any,
    y: np.ndarray,
    *,
    folds: int = 5,
    seed: int = 42,
    groups: Any = None,
    progress: Callable[[int, int], None] | None = None,
    n_jobs: int = 1,
) -> dict[str, Any]:
    """Fit clones of ``model`` on stratified folds; return mean and std of AUC and KS.

    ``y`` is 0/1 with 1 = bad; ``groups`` (one label per row, optional) keeps the rows of a
    group in one fold (scikit-learn's ``StratifiedGroupKFold``); ``progress(done, folds)`` is
    called after each fold. Times are wall-clock seconds of fitting (``fit_seconds``, summed
    over folds) and of the whole run (``seconds``). ``n_jobs`` above 1 fits that many folds at
    once in separate processes (the same folds, the same figures; ``progress`` is then called
    once at the end).
    """
    started = time.perf_counter()
    if groups is None:
        split: Any = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    else:
        groups = np.asarray(groups)
        if len(groups) != len(y):
            raise ValueError(f"groups has {len(groups)} labels for {len(y)} rows")
        split = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    pairs = list(split.split(np.zeros(len(y)), y, groups))
    if n_jobs == 1:
        results = []
        for train, test in pairs:
            results.append(_fit_fold(model, X, y, train, test))
            if progress is not None:
                progress(len(results), folds)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs)(
            delayed(_fit_fold)(model, X, y, train, test) for train, test in pairs
        )
        if progress is not None:
            progress(folds, folds)
    aucs = [r[0] for r in results]
    kss = [r[1] for r in results]
    fits = [r[2] for r in results]
    return {
        "auc_mean": float(np.mean(aucs)),
        "auc_std": float(np.std(aucs)),
        "ks_mean": float(np.mean(kss)),
        "ks_std": float(np.std(kss)),
        "folds": folds,
        "seed": seed,
        "n": len(y),
        "fit_seconds": float(np.sum(fits)),
        "seconds": float(time.perf_counter() - started),
    }
