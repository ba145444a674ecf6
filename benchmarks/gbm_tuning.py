"""Tuning runs for fairdebt's GBM: its 5-fold CV against plain LightGBM, and its scoring speed.

The same folds as ``benchmarks/risk.py`` (5-fold stratified, seed 42, raw frames for fairdebt,
the identifier dropped for LightGBM); prints one JSON line per data set and model, then the
settings each fold's model chose, then ``decision_score`` time on GMSC repeated 7 times.

    nice -n 5 .venv/bin/python benchmarks/gbm_tuning.py [--only german,hmeq,gmsc] [--folds 5]
        [--no-speed]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fairdebt.risk import GBMModel, cross_validate, make_target
from risk import DATASETS, PlainLightGBM

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _load(name: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    file, target, bad, ids = DATASETS[name]
    frame = pd.read_csv(DATA / file, low_memory=False)
    y = make_target(frame[target], bad, column=target)
    raw = frame.drop(columns=[target])
    return raw, raw.drop(columns=ids), y


def _settings(X: pd.DataFrame, y: np.ndarray, folds: int) -> None:
    """What the model chose on the first ``folds`` benchmark folds (AUC on the test fold)."""
    split = list(StratifiedKFold(5, shuffle=True, random_state=42).split(X, y))[:folds]
    for train, test in split:
        model = clone(GBMModel(n_jobs=1)).fit(X.iloc[train], y[train])
        auc = roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1])
        print(
            json.dumps(
                {
                    "test_auc": round(auc, 4),
                    **model.settings_,
                    "freed": model.freed_constraints_,
                    "trials": model.trials_,
                },
                default=str,
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="german,hmeq,gmsc")
    parser.add_argument("--settings", type=int, default=0, help="only show settings, N folds")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    for name in args.only.split(","):
        raw, prepared, y = _load(name)
        if args.settings:
            _settings(raw, y, args.settings)
            continue
        for label, model, X in (
            ("fairdebt GBM", GBMModel(n_jobs=1), raw),
            ("LightGBM (plain)", PlainLightGBM(), prepared),
        ):
            result = cross_validate(model, X, y, folds=5, seed=42)
            keep = ("auc_mean", "auc_std", "ks_mean", "fit_seconds")
            print(
                json.dumps(
                    {"data": name, "model": label, **{k: round(result[k], 4) for k in keep}}
                ),
                flush=True,
            )
    if args.no_speed or args.settings:
        return
    raw, _, y = _load("gmsc")
    big = pd.concat([raw] * 7, ignore_index=True)
    for n_jobs in (1, None):
        model = GBMModel(n_jobs=n_jobs).fit(raw, y)
        tick = time.perf_counter()
        model.decision_score(big)
        print(
            json.dumps(
                {
                    "decision_score_rows": len(big),
                    "n_jobs": n_jobs,
                    "seconds": round(time.perf_counter() - tick, 2),
                    "trees": model.n_estimators_,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
