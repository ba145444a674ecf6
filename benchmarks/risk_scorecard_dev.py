"""Development folds for the scorecard's cross-fitted WOE regression (fifth pass; never seed 42).

German five-fold splits of the seeds given; in each outer fold the scorecard is fitted twice on
the training rows, its regression on the full book's WOE (``woe_regression="full"``, the card
of before) and on cross-fitted WOE (``"crossfit"``); both are scored on the held-out fold.

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/risk_scorecard_dev.py \\
        --data ../shared/data --seeds 1,2,3,7,11

Prints one JSON line per outer fold, then the mean difference per seed.
"""

from __future__ import annotations

import argparse
import json
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
    args = parser.parse_args()
    frame = pd.read_csv(Path(args.data) / "german_credit.csv", low_memory=False)
    y = make_target(frame["creditability"], "bad", column="creditability")
    X = frame.drop(columns=["creditability"])
    rows = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        split = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for fold, (train, test) in enumerate(split.split(np.zeros(len(y)), y)):
            row: dict[str, object] = {"seed": seed, "fold": fold}
            for form in ("full", "crossfit"):
                card = Scorecard(woe_regression=form).fit(X.iloc[train], y[train])
                p_bad = card.predict_proba(X.iloc[test])[:, 1]
                row[form] = float(roc_auc_score(y[test], p_bad))
                row[f"{form}_features"] = len(card.features_)
                row["segments"] = len(card.segments_)
            row["gain"] = float(row["crossfit"]) - float(row["full"])  # type: ignore[arg-type]
            rows.append(row)
            print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows)
    print(table.groupby("seed")[["full", "crossfit", "gain"]].mean().round(4).to_string())
    print(f"mean gain over all folds: {table['gain'].mean():+.4f}")
    print(f"folds with a gain: {(table['gain'] > 0).sum()} of {len(table)}")


if __name__ == "__main__":
    main()
