"""Development folds for risk passes: five-fold splits on seeds other than 42 (German credit;
HMEQ for the ninth pass's pairs run).

Shared by the development scripts (``risk_repeats_dev.py``, ``risk_pairs_dev.py``,
``risk_binlimits_dev.py``): the book, the outer folds (seed 42 is the benchmark's and is refused),
an ensemble fit that keeps every learner's held-out inner scores so the same learners can be
blended again another way, and one JSON line per fold.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk import EnsembleModel, make_target
from fairdebt.risk import ensemble as ensemble_module
from fairdebt.risk.learners import Learner

#: The ensemble's settings in every development fit (the benchmark's, on one core).
ENSEMBLE: dict[str, Any] = {"time_budget": 300.0, "max_trials": 40, "n_jobs": 1}


def arguments(
    doc: str | None, seeds: str, books: Sequence[str] = ("german",)
) -> argparse.Namespace:
    """The scripts' command line: ``--data``, ``--seeds`` (comma-separated) and ``--out``, and
    ``--book`` (one of ``books``) where a script takes more than German."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--seeds", default=seeds)
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--book",
        default=books[0],
        choices=books,
        help=argparse.SUPPRESS if len(books) == 1 else "the development book",
    )
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    return args


def german(data: str) -> tuple[pd.DataFrame, np.ndarray]:
    """German credit's features and its bad flag."""
    frame = pd.read_csv(Path(data) / "german_credit.csv", low_memory=False)
    y = make_target(frame["creditability"], "bad", column="creditability")
    return frame.drop(columns=["creditability"]), y


def hmeq(data: str) -> tuple[pd.DataFrame, np.ndarray]:
    """HMEQ's features and its bad flag (``BAD`` = 1)."""
    frame = pd.read_csv(Path(data) / "hmeq.csv", low_memory=False)
    y = make_target(frame["BAD"], "1", column="BAD")
    return frame.drop(columns=["BAD"]), y


#: The development books by name.
BOOKS = {"german": german, "hmeq": hmeq}


def development_folds(
    y: np.ndarray, seeds: Sequence[int]
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """(seed, fold, training rows, held-out rows) of each seed's stratified five-fold split."""
    for seed in seeds:
        if seed == 42:
            raise SystemExit("seed 42 is the benchmark's: not a development seed")
        split = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for fold, (train, test) in enumerate(split.split(np.zeros(len(y)), y)):
            yield seed, fold, train, test


def fit_recording(
    X: pd.DataFrame, y: np.ndarray, **settings: Any
) -> tuple[EnsembleModel, dict[str, np.ndarray]]:
    """An ensemble (``ENSEMBLE`` and ``settings``), and each learner's held-out inner scores."""
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
        model = EnsembleModel(**{**ENSEMBLE, **settings}).fit(X, y)
    finally:
        ensemble_module.make_learner = original
    for learner in made:
        del learner.fit  # back to the class's method, so the model copies cleanly
    return model, captured


def emit(row: dict[str, Any], out: str) -> None:
    """Print one fold's row as a JSON line, and append it to ``out`` when given."""
    print(json.dumps(row), flush=True)
    if out:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
