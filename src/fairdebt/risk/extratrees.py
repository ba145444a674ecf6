"""The ensemble's deep forests from scikit-learn: extremely randomised trees and a random forest.

Extremely randomised trees (Geurts, Ernst and Wehenkel 2006) and Breiman's random forest (2001).

Boosted trees of modest depth are the ensemble's workhorse; a forest of deep trees with random
cuts makes different errors. Where a book holds near-repeats of the same applicant (HMEQ has
many), deep trees remember them, and on small books the randomised cuts average away the noise
of any one split. scikit-learn's ``ExtraTreesClassifier`` grows the trees (``trees`` of them,
300, or ``SMALL_BOOK_TREES`` on a small book; about sqrt(p) candidate columns per split, leaves
of at least one row per 5 000 of the book, so that a large book does not grow millions of
leaves) on a dense frame:

- a number: its value (special codes count as missing), missing values set to the training
  median, plus a 0/1 column for missing values where the training rows have any (a blank
  debt-to-income ratio is itself a signal);
- a category: one 0/1 column per level seen at least ten times.

The random forest (``randomforest``) is the same learner with Breiman's trees: each on a
bootstrap sample, the best cut among the candidate columns. On a big book (more than
``BIG_BOOK`` training rows, :mod:`fairdebt.risk.budget`) both grow ``BIG_BOOK_TREES`` trees,
each on a bootstrap sample of at most ``SAMPLE_ROWS`` rows. On a small book (the rarer class at
most ``SMALL_BOOK_RARE`` training rows, the test by which the ensemble's ``blend="auto"`` gives
its chosen learners equal weights) both grow ``SMALL_BOOK_TREES`` (1000) trees: a forest's score
is a Monte-Carlo average over its trees, and with equal weights that noise goes straight into
the blend, where the selection cannot move weight away from it. On German credit's development
folds the ensemble moved by +0.00026, -0.00079 and +0.00060 on seeds 3, 7 and 11 (mean +0.00002
over 15 folds, 7 up; docs/decisions/risk-history-and-ensemble.md, twelfth pass: a gain inside
the noise, adopted by a rule written before the runs); on HMEQ, whose HCES weights absorb the
noise, 1000 trees gained nothing (eleventh pass), and larger books keep 300. A big book's
``BIG_BOOK_TREES`` and the ensemble's ``trees`` take precedence.

Its score is the forest's probability of bad; the ensemble puts it on the log-odds scale by
Platt scaling, a linear map, so TreeSHAP values of that probability (the ``shap`` package,
exact for trees), times the Platt slope, are the learner's additive reasons, summed over the
columns a feature owns.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

from fairdebt.risk.budget import BIG_BOOK_TREES, SAMPLE_ROWS
from fairdebt.risk.cleaning import numeric_values
from fairdebt.risk.learners import Learner

__all__ = ["SMALL_BOOK_TREES", "DenseDesign", "ExtraTreesLearner", "RandomForestLearner"]

#: Trees of each scikit-learn forest on a small book (see the module docstring).
SMALL_BOOK_TREES = 1000


class DenseDesign:
    """Numbers with medians and missing flags, categories one-hot (see the module docstring).

    ``owner_`` names the feature of every design column.

    >>> X = pd.DataFrame({"income": [1.0, None, 3.0], "city": ["a", "a", "b"]})
    >>> design = DenseDesign(kinds={"city": "categorical"}, special_codes={}, min_level_rows=1)
    >>> design.fit(X).transform(X).tolist()
    [[1.0, 0.0, 1.0, 0.0], [2.0, 1.0, 1.0, 0.0], [3.0, 0.0, 0.0, 1.0]]
    >>> design.owner_
    ['income', 'income', 'city', 'city']
    """

    def __init__(
        self,
        *,
        kinds: Mapping[str, str],
        special_codes: Mapping[str, Sequence[float]],
        min_level_rows: int = 10,
    ) -> None:
        self.kinds = kinds
        self.special_codes = special_codes
        self.min_level_rows = min_level_rows

    def _numbers(self, X: pd.DataFrame, column: str) -> np.ndarray:
        return numeric_values(X, column, self.special_codes)

    def fit(self, X: pd.DataFrame) -> DenseDesign:
        self.columns_ = list(X.columns)
        self.medians_: dict[str, float] = {}
        self.flags_: dict[str, bool] = {}
        self.levels_: dict[str, list[Any]] = {}
        self.owner_: list[str] = []
        for column in self.columns_:
            if self.kinds.get(column) == "categorical":
                counts = X[column].value_counts(dropna=True)
                self.levels_[column] = counts[counts >= self.min_level_rows].index.tolist()
                self.owner_ += [column] * len(self.levels_[column])
                continue
            values = self._numbers(X, column)
            known = values[np.isfinite(values)]
            self.medians_[column] = float(np.median(known)) if len(known) else 0.0
            self.flags_[column] = bool(np.isnan(values).any())
            self.owner_ += [column] * (2 if self.flags_[column] else 1)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        parts: list[np.ndarray] = []
        for column in self.columns_:
            if column in self.levels_:
                values = X[column].to_numpy(dtype=object)
                for level in self.levels_[column]:
                    parts.append((values == level).astype(float))
                continue
            values = self._numbers(X, column)
            missing = np.isnan(values)
            parts.append(np.where(missing, self.medians_[column], values))
            if self.flags_[column]:
                parts.append(missing.astype(float))
        if not parts:
            return np.zeros((len(X), 0))
        return np.column_stack(parts)


class ExtraTreesLearner(Learner):
    """Extremely randomised trees on :class:`DenseDesign` (see the module docstring)."""

    name = "extratrees"
    trees = 300

    kind: type[ExtraTreesClassifier] | type[RandomForestClassifier] = ExtraTreesClassifier

    def _forest(self, n_rows: int) -> ExtraTreesClassifier | RandomForestClassifier:
        big = bool(self.context.get("big"))
        # subbags on a big book (budget module); Breiman's bootstrap for the random forest
        bootstrap = big or self.kind is RandomForestClassifier
        asked = self.context.get("trees")  # the ensemble's ``trees``, on any book
        if asked is not None:
            trees = int(asked)
        elif big:
            trees = BIG_BOOK_TREES
        elif self.context.get("small"):
            # a small book blends with equal weights, so the forest's Monte-Carlo noise goes
            # into the blend undiluted: more trees (twelfth pass)
            trees = SMALL_BOOK_TREES
        else:
            trees = self.trees
        return self.kind(
            n_estimators=trees,
            max_features="sqrt",
            min_samples_leaf=max(1, n_rows // 5000),
            bootstrap=bootstrap,
            max_samples=min(n_rows, SAMPLE_ROWS) if big else None,
            random_state=self.context["random_state"],
            n_jobs=self.context["n_jobs"],
        )

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        splits: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]],
    ) -> np.ndarray:
        self.design_ = DenseDesign(
            kinds=self.context["kinds"], special_codes=self.context["special_codes"]
        ).fit(X)
        design = self.design_.transform(X)
        oof = np.full((len(splits), len(y)), np.nan)
        for r, folds in enumerate(splits):
            for train, held in folds:
                forest = self._forest(len(train)).fit(design[train], y[train])
                oof[r, held] = forest.predict_proba(design[held])[:, 1]
        self.forest_ = self._forest(len(y)).fit(design, y)
        return oof

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        p = self.forest_.predict_proba(self.design_.transform(X))[:, 1]
        return np.asarray(p, dtype=float)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        with warnings.catch_warnings():
            # shap's import touches matplotlib's colour maps, which warn about their own API
            warnings.simplefilter("ignore")
            import shap

        explainer = shap.TreeExplainer(self.forest_)
        values = np.asarray(
            explainer.shap_values(self.design_.transform(X), check_additivity=False)
        )
        values = values[..., 1] if values.ndim == 3 else values
        base = float(np.ravel(explainer.expected_value)[-1])
        owner = np.asarray(self.design_.owner_)
        contrib = pd.DataFrame(0.0, index=X.index, columns=list(X.columns))
        for column in dict.fromkeys(self.design_.owner_):
            contrib[column] = values[:, owner == column].sum(axis=1)
        return np.full(len(X), base), contrib

    def describe(self) -> dict[str, Any]:
        return {
            "trees": self.forest_.n_estimators,
            "min_samples_leaf": self.forest_.min_samples_leaf,
        }


class RandomForestLearner(ExtraTreesLearner):
    """Breiman's random forest on :class:`DenseDesign` (see the module docstring)."""

    name = "randomforest"
    kind = RandomForestClassifier
