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

__all__ = ["SplineDesign", "fit_penalised"]

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
