"""Development folds for the scorecard's binning limits (seventh pass; never seed 42).

For each outer fold of a German five-fold split (seeds given on the command line), main's
default card (``bin_limits="none"``) and the card with its limits chosen on inner folds
(``bin_limits="auto"``) are fitted on the same training rows and scored on the same held-out
rows.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_binlimits_dev.py \\
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
        for label, setting in (("main", "none"), ("auto", "auto")):
            start = time.perf_counter()
            card = Scorecard(bin_limits=setting).fit(X.iloc[train], y[train])
            row[f"{label}_seconds"] = round(time.perf_counter() - start, 2)
            score = card.predict_proba(X.iloc[test])[:, 1]
            row[label] = round(float(roc_auc_score(y[test], score)), 6)
        row["limits"] = list(card.bin_limits_)
        row["inner"] = {str(tuple(k)): round(v, 5) for k, v in card.bin_limits_scores_.items()}
        rows.append(row)
        emit(row, args.out)
    table = pd.DataFrame(rows)
    table["gain"] = table["auto"] - table["main"]
    by_seed = table.groupby("seed")[["main", "auto", "gain"]].mean()
    print(by_seed.round(4).to_string())
    print(
        f"all folds: mean gain {table['gain'].mean():+.4f}, folds up {(table['gain'] > 0).sum()}"
        f"/{len(table)}, seeds up {(by_seed['gain'] > 0).sum()}/{len(by_seed)}"
    )


if __name__ == "__main__":
    main()
