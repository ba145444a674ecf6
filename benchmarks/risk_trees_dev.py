"""Development folds for the eleventh pass: the two scikit-learn forests with 1000 trees
instead of 300 (never seed 42).

For each outer fold of a five-fold split of HMEQ or German (``--book``; seeds given on the
command line), ONE ensemble is fitted that holds the usual learners and two more,
``extratrees1000`` and ``randomforest1000``: the same learners (``ExtraTreesLearner``,
``RandomForestLearner``) with 1000 trees, the candidate's, on the same inner folds. Their
seconds are not charged to the ensemble's time budget, so the tuned LightGBM's search, which
runs last and gets the seconds left, sees the budget of a normal fit. The same fitted learners
are then blended twice from their recorded held-out inner scores: "main" with the usual
learners (300-tree forests), which is a normal fit's computation, and "candidate" with the two
1000-tree forests in place of the 300-tree ones. Both are scored on the held-out outer fold.

    PYTHONPATH=src:benchmarks nice -n 15 .venv/bin/python benchmarks/risk_trees_dev.py \\
        --data ../shared/data --seeds 1,2 --book hmeq [--out dev.jsonl] [--check]

``--check`` first fits a normal ``EnsembleModel`` on the first outer fold and prints its AUC,
to be compared with that fold's "main" (on a book that is not small: since the twelfth pass a
small book's normal fit grows the candidate's 1000 trees, while "main" here keeps 300).
Prints one JSON line per outer fold, then the mean
difference per seed and over all folds.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from typing import Any

import pandas as pd
from sklearn.metrics import roc_auc_score

from fairdebt.risk import EnsembleModel
from fairdebt.risk import ensemble as ensemble_module
from fairdebt.risk.extratrees import ExtraTreesLearner, RandomForestLearner
from fairdebt.risk.learners import Learner
from risk_dev import BOOKS, ENSEMBLE, arguments, development_folds, emit, fit_recording

#: The candidate's trees on a book that is not big.
CANDIDATE_TREES = 1000


class ExtraTrees1000(ExtraTreesLearner):
    name = "extratrees1000"
    trees = CANDIDATE_TREES


class RandomForest1000(RandomForestLearner):
    name = "randomforest1000"
    trees = CANDIDATE_TREES


#: The candidate's learners, by the usual learner each replaces.
EXTRA: dict[str, type[Learner]] = {
    "extratrees": ExtraTrees1000,
    "randomforest": RandomForest1000,
}


#: Seconds of the extra learners' last fits (uncharged, so not in ``learner_seconds_``).
SECONDS: dict[str, float] = {}


def install() -> None:
    """Let the ensemble make the two extra learners, their fits not charged to the budget."""
    original = ensemble_module.make_learner
    kinds = {kind.name: kind for kind in EXTRA.values()}

    def making(name: str, context: Any) -> Learner:
        # Both versions of the forests are read as on a book that is not small: since the twelfth
        # pass a small book's own forests grow 1000 trees, which would make "main" the candidate.
        if name in EXTRA or name in kinds:
            context = {**context, "small": False}
        if name not in kinds:
            return original(name, context)
        learner = kinds[name](context)
        fit = learner.fit

        def fit_uncharged(X_: pd.DataFrame, y_: Any, splits: Any) -> Any:
            started = time.perf_counter()
            try:
                return fit(X_, y_, splits)
            finally:
                SECONDS[name] = round(time.perf_counter() - started, 2)
                budget = learner.context.get("budget")
                if budget is not None:  # the seconds go back to the budget
                    budget.started += SECONDS[name]

        learner.fit = fit_uncharged  # type: ignore[method-assign]
        return learner

    ensemble_module.make_learner = making  # type: ignore[assignment]


def main() -> None:
    check = "--check" in sys.argv  # not one of risk_dev's shared arguments
    if check:
        sys.argv.remove("--check")
    args = arguments(__doc__, "1,2", books=tuple(BOOKS))
    X, y = BOOKS[args.book](args.data)
    if check:
        _, _, train, test = next(development_folds(y, args.seeds))
        normal = EnsembleModel(**ENSEMBLE).fit(X.iloc[train], y[train])
        auc = float(roc_auc_score(y[test], normal.predict_proba(X.iloc[test])[:, 1]))
        print(
            json.dumps(
                {
                    "check": "normal EnsembleModel fit",
                    "seed": args.seeds[0],
                    "fold": 0,
                    "auc": auc,
                    "trials": normal.settings_["lightgbm"].get("trials"),
                    "fit_seconds": normal.fit_seconds_,
                }
            ),
            flush=True,
        )
    install()
    extra = tuple(kind.name for kind in EXTRA.values())
    rows = []
    for seed, fold, train, test in development_folds(y, args.seeds):
        started = time.perf_counter()
        model, captured = fit_recording(
            X.iloc[train], y[train], learners=ensemble_module.LEARNERS + extra
        )
        usual = [n for n in model.weights_ if n not in extra]
        replaced = [EXTRA[n].name if n in EXTRA else n for n in usual]
        # _blend assigns new attributes, so shallow copies keep the one model's fitted learners
        main = copy.copy(model)
        main._blend({n: captured[n] for n in usual}, y[train], usual)
        candidate = copy.copy(model)
        candidate._blend({n: captured[n] for n in replaced}, y[train], replaced)
        held = model.clean(X.iloc[test])
        row: dict[str, Any] = {
            "book": args.book,
            "seed": seed,
            "fold": fold,
            "main": float(roc_auc_score(y[test], main.predict_proba(X.iloc[test])[:, 1])),
            "candidate": float(roc_auc_score(y[test], candidate.predict_proba(X.iloc[test])[:, 1])),
        }
        row["gain"] = row["candidate"] - row["main"]
        for name in ("extratrees", "randomforest"):
            for kind in (name, EXTRA[name].name):
                learner = model.learners_[kind]
                row[f"{kind}_alone"] = float(roc_auc_score(y[test], learner.log_odds(held)))
                row[f"{kind}_inner"] = round(model.oof_auc_[kind], 6)
        row.update(
            {
                "weights_main": {n: round(w, 3) for n, w in main.weights_.items()},
                "weights_candidate": {n: round(w, 3) for n, w in candidate.weights_.items()},
                "hces_main": {n: round(w, 3) for n, w in main.hces_weights_.items()},
                "hces_candidate": {n: round(w, 3) for n, w in candidate.hces_weights_.items()},
                "blend": main.blend_,
                "inner_main": round(main.oof_auc_["ensemble"], 6),
                "inner_candidate": round(candidate.oof_auc_["ensemble"], 6),
                "trials": model.settings_.get("lightgbm", {}).get("trials"),
                "trees": {n: model.settings_[n]["trees"] for n in (*EXTRA, *extra)},
                "fit_seconds": round(time.perf_counter() - started, 1),
                "learner_seconds": {**model.learner_seconds_, **SECONDS},
            }
        )
        rows.append(row)
        emit(row, args.out)
    table = pd.DataFrame(rows)
    summary = table.groupby("seed")[["main", "candidate", "gain"]].mean()
    print(summary.round(6).to_string())
    print(
        f"all folds: main {table['main'].mean():.6f}, candidate {table['candidate'].mean():.6f},"
        f" mean gain {table['gain'].mean():+.6f}, folds up {(table['gain'] > 0).sum()}"
        f"/{len(table)} (down {(table['gain'] < 0).sum()}), seeds up"
        f" {(summary['gain'] > 0).sum()}/{len(summary)}"
    )


if __name__ == "__main__":
    main()
