"""Development folds for the ensemble's pairs learner (seventh pass; never seed 42).

For each outer fold of a German five-fold split (seeds given on the command line), one ensemble
is fitted with its default learners (the seven of before and, on this small book, ``pairs``);
the same fitted learners are then blended again without ``pairs`` from their own held-out
scores, which is main's computation on the same inner folds. Both are scored on the held-out
outer fold, so the difference is the eighth learner's and nothing else. The tuned LightGBM's
trial count is printed: its search gets the seconds left of the budget, the one thing the new
learner could change in the others.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_pairs_dev.py \\
        --data ../shared/data --seeds 1,2,3,7,11 [--out dev.jsonl]

Prints one JSON line per outer fold, then the mean difference per seed and over all folds.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk import EnsembleModel, make_target
from fairdebt.risk import ensemble as ensemble_module
from fairdebt.risk.learners import Learner

ENSEMBLE = {"time_budget": 300.0, "max_trials": 40, "n_jobs": 1}


def _fit_recording(X: pd.DataFrame, y: np.ndarray) -> tuple[EnsembleModel, dict[str, Any]]:
    """An ensemble with its default learners, and each learner's held-out inner scores."""
    captured: dict[str, np.ndarray] = {}
    made: list[Learner] = []
    original = ensemble_module.make_learner

    def recording(name: str, context: Any) -> Learner:
        learner = original(name, context)
        fit = learner.fit

        def fit_and_keep(X_: pd.DataFrame, y_: np.ndarray, splits: Any) -> np.ndarray:
            scores = fit(X_, y_, splits)
            captured[name] = np.asarray(scores, dtype=float)
            return scores

        learner.fit = fit_and_keep  # type: ignore[method-assign]
        made.append(learner)
        return learner

    ensemble_module.make_learner = recording  # type: ignore[assignment]
    try:
        model = EnsembleModel(**ENSEMBLE).fit(X, y)  # type: ignore[arg-type]
    finally:
        ensemble_module.make_learner = original
    for learner in made:
        del learner.fit  # back to the class's method, so the model copies cleanly
    return model, captured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--seeds", default="1,2,3,7,11")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    frame = pd.read_csv(Path(args.data) / "german_credit.csv", low_memory=False)
    y = make_target(frame["creditability"], "bad", column="creditability")
    X = frame.drop(columns=["creditability"])
    rows = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        if seed == 42:
            raise SystemExit("seed 42 is the benchmark's: not a development seed")
        split = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for fold, (train, test) in enumerate(split.split(np.zeros(len(y)), y)):
            model, captured = _fit_recording(X.iloc[train], y[train])
            names = [n for n in model.weights_ if n != "pairs"]
            main = copy.deepcopy(model)
            main._blend({n: captured[n] for n in names}, y[train], names)
            pairs = model.learners_["pairs"]
            held = model.clean(X.iloc[test])
            row = {
                "seed": seed,
                "fold": fold,
                "main": float(roc_auc_score(y[test], main.predict_proba(X.iloc[test])[:, 1])),
                "pairs": float(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1])),
                "pairs_alone": float(roc_auc_score(y[test], pairs.log_odds(held))),
                "logit_alone": float(
                    roc_auc_score(y[test], model.learners_["logit"].log_odds(held))
                ),
                "weights_main": {n: round(w, 3) for n, w in main.weights_.items()},
                "weights_pairs": {n: round(w, 3) for n, w in model.weights_.items()},
                "pairs_settings": model.settings_["pairs"],
                "trials": model.settings_.get("lightgbm", {}).get("trials"),
                "fit_seconds": model.fit_seconds_,
                "learner_seconds": model.learner_seconds_,
            }
            row["gain"] = row["pairs"] - row["main"]
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.out:
                with open(args.out, "a", encoding="utf-8") as out:
                    out.write(json.dumps(row) + "\n")
    table = pd.DataFrame(rows)
    summary = table.groupby("seed")[["main", "pairs", "gain", "pairs_alone", "logit_alone"]].mean()
    print(summary.round(4).to_string())
    print(
        f"all folds: mean gain {table['gain'].mean():+.4f}, folds up {(table['gain'] > 0).sum()}"
        f"/{len(table)}, seeds up {(summary['gain'] > 0).sum()}/{len(summary)}"
    )


if __name__ == "__main__":
    main()
