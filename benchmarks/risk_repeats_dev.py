"""Development folds for the ensemble's repeated inner split (fifth pass; never seed 42).

For each outer fold of a German five-fold split (seeds given on the command line), one ensemble
is fitted with ``repeats=3``; the same fitted learners are then blended from repeat 0 alone,
which is the computation of ``repeats=1`` (repeat 0 keeps the seeds of before). Both are scored
on the held-out outer fold, so the difference is the selection's and nothing else. The tuned
LightGBM's trial count is printed: its search gets the seconds left of the budget, the one thing
the repeats could change in the learners themselves.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_repeats_dev.py \\
        --data ../shared/data --seeds 1,2,3 [--out dev.jsonl]

Prints one JSON line per outer fold, then the mean difference per seed.
"""

from __future__ import annotations

import copy

import pandas as pd
from sklearn.metrics import roc_auc_score

from risk_dev import arguments, development_folds, emit, fit_recording, german


def main() -> None:
    args = arguments(__doc__, "1,2,3")
    X, y = german(args.data)
    rows = []
    for seed, fold, train, test in development_folds(y, args.seeds):
        model, captured = fit_recording(X.iloc[train], y[train], repeats=3)
        names = list(model.weights_)
        single = copy.deepcopy(model)
        single._blend({n: captured[n][:1] for n in names}, y[train], names)
        row = {
            "seed": seed,
            "fold": fold,
            "auc_repeats1": float(roc_auc_score(y[test], single.predict_proba(X.iloc[test])[:, 1])),
            "auc_repeats3": float(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1])),
            "weights_repeats1": {n: round(w, 3) for n, w in single.weights_.items()},
            "weights_repeats3": {n: round(w, 3) for n, w in model.weights_.items()},
            "trials": model.settings_.get("lightgbm", {}).get("trials"),
            "fit_seconds": model.fit_seconds_,
            "learner_seconds": model.learner_seconds_,
        }
        row["gain"] = row["auc_repeats3"] - row["auc_repeats1"]
        rows.append(row)
        emit(row, args.out)
    table = pd.DataFrame(rows)
    summary = table.groupby("seed")[["auc_repeats1", "auc_repeats3", "gain"]].mean()
    print(summary.round(4).to_string())
    print(f"mean gain over all folds: {table['gain'].mean():+.4f}")


if __name__ == "__main__":
    main()
