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

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk import Scorecard, make_target


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
            print(json.dumps(row), flush=True)
            if args.out:
                with open(args.out, "a") as handle:
                    handle.write(json.dumps(row) + "\n")
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
