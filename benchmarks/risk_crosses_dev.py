"""Development folds for the scorecard's pair features (tenth pass; never seed 42).

For each outer fold of a German five-fold split (seeds given on the command line), main's
default card (``pairs=0``) and the card with up to three pair features chosen on inner folds
(``pairs=3``) are fitted on the same training rows and scored on the same held-out rows.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_crosses_dev.py \\
        --data ../shared/data --seeds 1,2,3,7,11 [--out dev.jsonl]

Prints one JSON line per outer fold, then the mean difference per seed and over all folds.
"""

from __future__ import annotations

import time

import pandas as pd
from sklearn.metrics import roc_auc_score

from fairdebt.risk import Scorecard
from risk_dev import arguments, development_folds, emit, german


def main() -> None:
    args = arguments(__doc__, "1,2,3,7,11")
    X, y = german(args.data)
    rows = []
    for seed, fold, train, test in development_folds(y, args.seeds):
        row: dict[str, object] = {"seed": seed, "fold": fold}
        for label, setting in (("main", 0), ("pairs", 3)):
            start = time.perf_counter()
            card = Scorecard(pairs=setting).fit(X.iloc[train], y[train])
            row[f"{label}_seconds"] = round(time.perf_counter() - start, 2)
            score = card.predict_proba(X.iloc[test])[:, 1]
            row[label] = round(float(roc_auc_score(y[test], score)), 6)
        row["chosen"] = [pair.name for pair in card.pairs_]
        row["used"] = [pair.name for pair in card.pairs_ if pair.name in card.features_]
        gains = sorted(card.pair_gains_.items(), key=lambda item: -item[1])
        row["best_inner_gains"] = [[" x ".join(key), round(gain, 5)] for key, gain in gains[:3]]
        rows.append(row)
        emit(row, args.out)
    table = pd.DataFrame(rows)
    table["gain"] = table["pairs"] - table["main"]
    by_seed = table.groupby("seed")[["main", "pairs", "gain"]].mean()
    print(by_seed.round(4).to_string())
    print(
        f"all folds: mean gain {table['gain'].mean():+.4f}, folds up {(table['gain'] > 0).sum()}"
        f"/{len(table)}, seeds up {(by_seed['gain'] > 0).sum()}/{len(by_seed)}"
    )


if __name__ == "__main__":
    main()
