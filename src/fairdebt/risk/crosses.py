"""Pair features for the scorecard: the cross of two features' bins, binned again.

A linear card on WOE columns adds its features' effects; where two features act together (a
long loan matters more without a checking account) it cannot see it. A *pair feature* gives it
a handful of such effects and stays one more row group of the points table: a row's cell is
its bin of the first feature and its bin of the second (``"A11 & [24.00, inf)"``), and
optbinning groups the cells into bins by their bad rate like any other categorical column.

The pairs are chosen on inner folds of the training rows only (:func:`choose_pairs`): each
candidate's cross is binned on the inner training rows and added to the card's main-effect WOE
columns, and its gain is the held-out inner AUC over the main effects' alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk.history import Built
from fairdebt.risk.regression import logistic_fit

#: Candidate pairs are those of this many features of highest information value.
PAIR_TOP = 8

__all__ = ["PAIR_TOP", "Pair", "candidate_pairs", "choose_pairs", "cross_column", "with_pairs"]


@dataclass(frozen=True)
class Pair:
    """A pair feature: its column name, its two features and each one's bin labels."""

    first: str
    second: str
    first_labels: tuple[str, ...]
    second_labels: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.first} x {self.second}"

    def meaning(self) -> Built:
        en = (
            f"{self.first} together with {self.second} (the cell of the two features' bins, "
            "cells of like bad rate grouped)"
        )
        zh = f"{self.first}与{self.second}的组合（两者分箱的交叉格，坏账率相近的格合并）"
        return Built(self.name, en, zh, (self.first, self.second))


def cross_column(
    first_index: np.ndarray,
    second_index: np.ndarray,
    first_labels: tuple[str, ...],
    second_labels: tuple[str, ...],
) -> np.ndarray:
    """Each row's cell, ``"<first bin> & <second bin>"``, from its bin indices."""
    left = np.asarray(first_labels, dtype=object)[first_index]
    right = np.asarray(second_labels, dtype=object)[second_index]
    return np.asarray(left + " & " + right, dtype=object)


def with_pairs(
    X: pd.DataFrame, pairs: list[Pair], indices: Callable[[str, pd.Series], np.ndarray]
) -> pd.DataFrame:
    """``X`` with one column of cells per pair (``indices`` maps a column to bin indices)."""
    if not pairs:
        return X
    cells = {
        pair.name: cross_column(
            indices(pair.first, X[pair.first]),
            indices(pair.second, X[pair.second]),
            pair.first_labels,
            pair.second_labels,
        )
        for pair in pairs
    }
    return X.assign(**cells)


def choose_pairs(
    *,
    main: np.ndarray,
    cells: dict[tuple[str, str], np.ndarray],
    y: np.ndarray,
    woe_of: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    C: float,
    most: int,
) -> tuple[list[tuple[str, str]], dict[tuple[str, str], float]]:
    """The ``most`` pairs of largest positive inner-fold gain, and every pair's gain.

    ``main`` holds the main effects' WOE columns, ``cells`` each candidate's cross.
    ``woe_of(cells_train, y_train, cells)`` bins a cross on inner training rows and returns
    the WOE of ``cells``. In each of five inner folds the cross is binned on the training rows,
    the regression fitted there and the held-out rows scored, as the card will be; the gain is
    the out-of-fold AUC with the cross less the main effects' alone.
    """
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(main, y))
    base = _oof_auc(y, folds, C, lambda train: main)
    gains = {}
    for key, column in cells.items():

        def design(train: np.ndarray, column: np.ndarray = column) -> np.ndarray:
            return np.column_stack([main, woe_of(column[train], y[train], column)])

        gains[key] = _oof_auc(y, folds, C, design) - base
    ranked = sorted(((gain, key) for key, gain in gains.items() if gain > 0), reverse=True)
    return [key for _, key in ranked[:most]], gains


def _oof_auc(
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    C: float,
    design: Callable[[np.ndarray], np.ndarray],
) -> float:
    """Out-of-fold AUC of a penalised logistic regression; ``design(train)`` gives all rows'
    columns as fitted on the fold's training rows."""
    score = np.zeros(len(y))
    for train, held in folds:
        columns = design(train)
        coef, intercept = logistic_fit(columns[train], y[train], C=C)
        score[held] = columns[held] @ coef + intercept
    return float(roc_auc_score(y, score))


def candidate_pairs(iv: dict[str, float], features: list[str]) -> list[tuple[str, str]]:
    """Every pair of the ``PAIR_TOP`` features of highest information value."""
    top = sorted(features, key=lambda c: -iv[c])[:PAIR_TOP]
    return list(combinations(top, 2))
