"""Development folds for the ensemble's pairs learner (seventh and ninth passes; never seed 42).

For each outer fold of a five-fold split of German (seventh pass) or HMEQ (ninth pass, ``--book
hmeq``; seeds given on the command line), one ensemble is fitted with its default learners (the
seven of before and ``pairs``: on German by the code's own rule, on HMEQ because the script lets
``pairs`` join every book, the ninth pass's candidate, which was not adopted);
the same fitted learners are then blended again without ``pairs`` from their own held-out
scores, which is main's computation on the same inner folds. Both are scored on the held-out
outer fold, so the difference is the eighth learner's and nothing else. The tuned LightGBM's
trial count is printed: its search gets the seconds left of the budget, the one thing the new
learner could change in the others.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_pairs_dev.py \\
        --data ../shared/data --seeds 1,2,3,7,11 [--book hmeq] [--out dev.jsonl]

Prints one JSON line per outer fold, then the mean difference per seed and over all folds.
"""

from __future__ import annotations

import copy

import pandas as pd
from sklearn.metrics import roc_auc_score

from fairdebt.risk import ensemble as ensemble_module
from risk_dev import BOOKS, arguments, development_folds, emit, fit_recording


def main() -> None:
    args = arguments(__doc__, "1,2,3,7,11", books=tuple(BOOKS))
    X, y = BOOKS[args.book](args.data)
    # the ninth pass's candidate: pairs on a book of any bad count (HMEQ is not big, and its
    # 160 products × 4,768 rows stay under the candidate's 4 M-cell cap, so no cap is needed)
    ensemble_module.SMALL_BOOK_LEARNERS = ()  # type: ignore[misc]
    rows = []
    for seed, fold, train, test in development_folds(y, args.seeds):
        model, captured = fit_recording(X.iloc[train], y[train])
        names = [n for n in model.weights_ if n != "pairs"]
        main = copy.deepcopy(model)
        main._blend({n: captured[n] for n in names}, y[train], names)
        pairs = model.learners_["pairs"]
        held = model.clean(X.iloc[test])
        row = {
            "book": args.book,
            "seed": seed,
            "fold": fold,
            "main": float(roc_auc_score(y[test], main.predict_proba(X.iloc[test])[:, 1])),
            "pairs": float(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1])),
            "pairs_alone": float(roc_auc_score(y[test], pairs.log_odds(held))),
            "logit_alone": float(roc_auc_score(y[test], model.learners_["logit"].log_odds(held))),
            "weights_main": {n: round(w, 3) for n, w in main.weights_.items()},
            "weights_pairs": {n: round(w, 3) for n, w in model.weights_.items()},
            "blend": model.blend_,
            "pairs_settings": model.settings_["pairs"],
            "trials": model.settings_.get("lightgbm", {}).get("trials"),
            "fit_seconds": model.fit_seconds_,
            "learner_seconds": model.learner_seconds_,
        }
        row["gain"] = row["pairs"] - row["main"]
        rows.append(row)
        emit(row, args.out)
    table = pd.DataFrame(rows)
    summary = table.groupby("seed")[["main", "pairs", "gain", "pairs_alone", "logit_alone"]].mean()
    print(summary.round(4).to_string())
    print(
        f"all folds: mean gain {table['gain'].mean():+.4f}, folds up {(table['gain'] > 0).sum()}"
        f"/{len(table)}, seeds up {(summary['gain'] > 0).sum()}/{len(summary)}"
    )


if __name__ == "__main__":
    main()
