"""A penalised logistic regression on spline bases: the ensemble's smooth, linear learner.

The scorecard bins every number into a few steps and the trees cut it into boxes; neither sees a
smooth dose-response (risk that falls steadily with age, rises steadily with utilisation). This
learner does, and it makes different errors from both, which is what a heterogeneous ensemble
needs (Lessmann et al. 2015 list logistic regression among the strongest single learners on
credit data).

The design matrix, built column by column from the ensemble's cleaned frame:

- a number: its rank on the training rows (the empirical quantile, so heavy tails and outliers
  do not matter), expanded into a cubic B-spline basis with ``knots`` knots, plus a 0/1 column
  for missing values (missing rows take the median's basis) when the training rows have any;
  special codes count as missing;
- a category: one 0/1 column per level seen at least ``min_level_rows`` times, the rest and
  missing values sharing the baseline;

every column then centred and scaled on the training rows. The L2 penalty ``C`` is chosen on
the inner folds (the best held-out AUC over a small grid).

Each feature's contribution to the log-odds is the sum of its block of coefficients times the
centred design, so the log-odds is the intercept plus one term per feature, exactly: the
ensemble's reason codes stay additive.

>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"age": rng.uniform(20, 70, 600)})
>>> design = SplineDesign(kinds={"age": "numeric"}, special_codes={}).fit(X)
>>> design.transform(X).shape
(600, 7)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import SplineTransformer

from fairdebt.risk.cleaning import numeric_values

__all__ = ["PairDesign", "SplineDesign", "fit_penalised", "fit_penalised_pairs"]

#: The grid of inverse penalties searched on the inner folds.
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


class SplineDesign:
    """Column blocks for a logistic regression (see the module docstring).

    ``blocks_`` maps each feature to the slice of design columns it owns.
    """

    def __init__(
        self,
        *,
        kinds: Mapping[str, str],
        special_codes: Mapping[str, Sequence[float]],
        knots: int = 5,
        min_level_rows: int = 10,
    ) -> None:
        self.kinds = kinds
        self.special_codes = special_codes
        self.knots = knots
        self.min_level_rows = min_level_rows

    def _numbers(self, X: pd.DataFrame, column: str) -> np.ndarray:
        return numeric_values(X, column, self.special_codes)

    def fit(self, X: pd.DataFrame) -> SplineDesign:
        self.columns_ = list(X.columns)
        self.grids_: dict[str, np.ndarray] = {}
        self.splines_: dict[str, SplineTransformer] = {}
        self.has_missing_: dict[str, bool] = {}
        self.levels_: dict[str, list[Any]] = {}
        for column in self.columns_:
            if self.kinds.get(column) == "categorical":
                counts = X[column].value_counts(dropna=True)
                kept = counts[counts >= self.min_level_rows].index.tolist()
                # the commonest level is the baseline
                self.levels_[column] = kept[1:]
                continue
            values = self._numbers(X, column)
            known = values[np.isfinite(values)]
            if len(np.unique(known)) < 2:
                continue
            self.grids_[column] = np.unique(np.quantile(known, np.linspace(0, 1, 101)))
            ranks = self._ranks(column, values)
            distinct = len(np.unique(known))
            knots = int(min(self.knots, max(2, distinct)))
            degree = 3 if distinct > 4 else 1
            self.splines_[column] = SplineTransformer(
                n_knots=knots, degree=degree, knots="uniform", extrapolation="constant"
            ).fit(ranks[:, None])
            self.has_missing_[column] = bool(np.isnan(values).any())
        raw = self._raw(X)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        self.scale_ = np.where(scale > 1e-12, scale, 1.0)
        return self

    def _ranks(self, column: str, values: np.ndarray) -> np.ndarray:
        grid = self.grids_[column]
        ranks = np.interp(values, grid, np.linspace(0, 1, len(grid)))
        return np.where(np.isnan(values), 0.5, ranks)

    def _raw(self, X: pd.DataFrame) -> np.ndarray:
        parts: list[np.ndarray] = []
        self.blocks_: dict[str, slice] = {}
        start = 0
        for column in self.columns_:
            if column in self.levels_:
                levels = self.levels_[column]
                if not levels:
                    continue
                values = X[column].to_numpy(dtype=object)
                block = np.column_stack([values == level for level in levels]).astype(float)
            elif column in self.splines_:
                values = self._numbers(X, column)
                block = self.splines_[column].transform(self._ranks(column, values)[:, None])
                if self.has_missing_[column]:
                    block = np.column_stack([block, np.isnan(values).astype(float)])
            else:
                continue
            if block.shape[1] == 0:
                continue
            parts.append(block)
            self.blocks_[column] = slice(start, start + block.shape[1])
            start += block.shape[1]
        if not parts:
            return np.zeros((len(X), 0))
        return np.hstack(parts)

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """The centred and scaled design matrix of ``X``."""
        return np.asarray((self._raw(X) - self.mean_) / self.scale_, dtype=float)

    def contributions(self, design: np.ndarray, coef: np.ndarray) -> pd.DataFrame:
        """Each feature's term of the linear predictor (its block of ``design @ coef``)."""
        terms = {column: design[:, block] @ coef[block] for column, block in self.blocks_.items()}
        return pd.DataFrame(terms)


#: The most products :class:`PairDesign` builds, and the fewest non-zero rows one must have.
MAX_PAIRS = 1_500
MIN_PAIR_ROWS = 10
#: The pairs learner's grid: inverse penalties, and the factors the products are scaled by
#: (a smaller factor is a stronger penalty on the products than on the main effects).
PAIR_C_GRID = (0.01, 0.03, 0.1, 0.3)
PAIR_SCALES = (0.3, 1.0)


class PairDesign:
    """The spline design's main effects plus pairwise products of the features' linear columns.

    A number's linear column is its centred rank on the training rows (missing: 0, the median);
    a category's are its level indicators (the spline design's levels). A product joins two
    different features' columns and is kept where at least ``MIN_PAIR_ROWS`` training rows are
    non-zero, the products with the most such rows first, at most ``MAX_PAIRS``; products are
    centred and scaled on the training rows. Nothing here reads the target. ``pairs_`` lists
    each product's two features (its term is split half to each, so contributions stay
    additive).

    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.uniform(0, 1, 300), "b": rng.uniform(0, 1, 300)})
    >>> design = PairDesign(kinds={"a": "numeric", "b": "numeric"}, special_codes={}).fit(X)
    >>> design.pairs_
    [('a', 'b')]
    """

    def __init__(self, *, kinds: Mapping[str, str], special_codes: Mapping[str, Sequence[float]]):
        self.kinds = kinds
        self.special_codes = special_codes

    def fit(self, X: pd.DataFrame) -> PairDesign:
        self.main_ = SplineDesign(kinds=self.kinds, special_codes=self.special_codes).fit(X)
        linear, owners = self._linear(X)
        candidates = []
        for i in range(linear.shape[1]):
            for j in range(i + 1, linear.shape[1]):
                if owners[i] == owners[j]:
                    continue
                support = int(np.count_nonzero(linear[:, i] * linear[:, j]))
                if support >= MIN_PAIR_ROWS:
                    candidates.append((-support, i, j))
        self.products_ = [(i, j) for _, i, j in sorted(candidates)[:MAX_PAIRS]]
        self.pairs_ = [(owners[i], owners[j]) for i, j in self.products_]
        raw = self._products(linear)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        self.scale_ = np.where(scale > 1e-12, scale, 1.0)
        return self

    def _linear(self, X: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
        main = self.main_
        parts, owners = [], []
        for column in main.blocks_:
            if column in main.levels_:
                values = X[column].to_numpy(dtype=object)
                for level in main.levels_[column]:
                    parts.append((values == level).astype(float))
                    owners.append(column)
            else:
                ranks = main._ranks(column, main._numbers(X, column))
                parts.append(ranks - 0.5)
                owners.append(column)
        if not parts:
            return np.zeros((len(X), 0)), owners
        return np.column_stack(parts), owners

    def _products(self, linear: np.ndarray) -> np.ndarray:
        if not self.products_:
            return np.zeros((len(linear), 0))
        first, second = (np.array(side) for side in zip(*self.products_, strict=True))
        return np.asarray(linear[:, first] * linear[:, second], dtype=float)

    def transform(self, X: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
        """The main effects, then the products (centred, scaled, times ``scale``)."""
        products = (self._products(self._linear(X)[0]) - self.mean_) / self.scale_
        return np.hstack([self.main_.transform(X), scale * products])

    def contributions(self, design: np.ndarray, coef: np.ndarray) -> pd.DataFrame:
        """Each feature's main-effect term plus half of every product term it is part of."""
        width = design.shape[1] - len(self.pairs_)
        terms = self.main_.contributions(design[:, :width], coef[:width])
        for column in {c for pair in self.pairs_ for c in pair} - set(terms.columns):
            terms[column] = 0.0
        products = design[:, width:] * coef[width:]
        for k, (left, right) in enumerate(self.pairs_):
            terms[left] += 0.5 * products[:, k]
            terms[right] += 0.5 * products[:, k]
        return terms


def fit_penalised_pairs(
    design: PairDesign,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[tuple[float, float], dict[tuple[float, float], float]]:
    """The (inverse penalty, product scale) with the best held-out AUC on ``folds``."""
    scores: dict[tuple[float, float], float] = {}
    for scale in PAIR_SCALES:
        matrix = design.transform(X, scale)
        _, aucs = fit_penalised(matrix, y, folds, PAIR_C_GRID)
        scores.update({(c, scale): auc for c, auc in aucs.items()})
    chosen = max(scores, key=lambda key: (scores[key], -key[0], -key[1]))
    return chosen, scores


def fit_penalised(
    design: np.ndarray,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    grid: Sequence[float] = C_GRID,
) -> tuple[float, dict[float, float]]:
    """The inverse penalty of ``grid`` with the best held-out AUC on ``folds``, and every AUC."""
    from fairdebt.risk.ensemble import fast_auc

    scores: dict[float, float] = {}
    for c in grid:
        oof = np.full(len(y), np.nan)
        for train, held in folds:
            model = LogisticRegression(C=c, max_iter=2000).fit(design[train], y[train])
            oof[held] = model.decision_function(design[held])
        scores[c] = fast_auc(y, oof)
    best = max(scores, key=lambda c: (scores[c], -c))
    return best, scores
