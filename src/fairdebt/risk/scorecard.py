"""The scorecard: optimal monotone binning, WOE, logistic regression, integer points.

Binning is optbinning's (``BinningProcess``/``OptimalBinning``); fairdebt does not rewrite
it. The trend of each feature is optbinning's ``auto`` choice among ascending, descending, peak
and valley (``monotonic_trend="auto_asc_desc"`` forces strictly monotone), with pre-bins of at
least 2 % of rows so that small but telling values of count features keep their own bin.
Every feature's table has its bins, then a *Special* bin (sentinel codes such as 96/98) and a
*Missing* bin. Scoring looks a row up in that same table, so a missing or special value gets
the same points at fit and at score time; a category never seen at fit time is scored as
*Missing*; an empty Missing or Special bin has WOE 0 (neutral points).

Logistic regression on the WOE columns gives the log-odds of bad; features whose coefficient
comes out with the wrong sign (more WOE meaning more risk, a symptom of collinearity) are left
out and the regression refitted. Each bin then gets integer points::

    points[j, b] = round(-factor * coef[j] * woe[j, b] + (offset - factor * intercept) / m)

on the :class:`~fairdebt.risk.points.PointsScale` (PDO, base score, base odds), ``m`` being the
number of features, so a row's score is exactly the sum of its integer bin points and its
probability of bad is read off the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from optbinning import BinningProcess
from sklearn.base import TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from fairdebt.risk.estimator import RiskModel

__all__ = ["Scorecard", "bin_indices"]


def bin_indices(binning: Any, values: pd.Series) -> np.ndarray:
    """Return each value's row in the binning table (bins, then Special, then Missing).

    Unseen categories (optbinning's index -1) go to the Missing row.
    """
    n_bins = len(binning.splits) + (0 if binning.dtype == "categorical" else 1)
    raw = values.to_numpy(dtype=object if binning.dtype == "categorical" else float)
    index = binning.transform(
        raw, metric="indices", metric_special="empirical", metric_missing="empirical"
    )
    index = np.asarray(index, dtype=np.int64)
    index[index < 0] = n_bins + 1
    return index


class Scorecard(TransformerMixin, RiskModel):  # type: ignore[misc]
    """A points scorecard on raw frames, with scikit-learn's estimator contract.

    ``fit(X, y)`` takes a raw frame and a binary target (the second of ``classes_`` is bad).
    ``decision_score`` gives integer points (higher is better), ``transform`` the points of
    each feature, ``predict_proba`` the probability of bad read off the score.
    ``binning_tables_`` maps each feature to its table (bin, count, event, event_rate, woe,
    iv, points) and ``iv_`` each binned candidate to its information value.
    """

    def __init__(
        self,
        *,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        monotonic_trend: str = "auto",
        max_n_prebins: int = 20,
        min_prebin_size: float = 0.02,
        min_iv: float = 0.0,
        C: float = 1.0,
        drop: Sequence[str] = (),
        special_codes: Mapping[str, Sequence[float]] | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.monotonic_trend = monotonic_trend
        self.max_n_prebins = max_n_prebins
        self.min_prebin_size = min_prebin_size
        self.min_iv = min_iv
        self.C = C
        self.drop = drop
        self.special_codes = special_codes
        self.n_jobs = n_jobs

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        # transform gives integer points whatever the input dtype
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- fitting -------------------------------------------------------------------------
    def _fit_clean(self, X: pd.DataFrame, y: np.ndarray) -> list[str]:
        kinds = self.cleaner_.kinds_
        params: dict[str, dict[str, Any]] = {
            column: {"monotonic_trend": self.monotonic_trend} for column in X.columns
        }
        for column, codes in self.cleaner_.special_codes_.items():
            params[column]["special_codes"] = list(codes)
        process = BinningProcess(
            variable_names=list(X.columns),
            categorical_variables=[c for c, k in kinds.items() if k == "categorical"] or None,
            max_n_prebins=self.max_n_prebins,
            min_prebin_size=self.min_prebin_size,
            binning_fit_params=params,
            n_jobs=self.n_jobs,
        )
        # optbinning's trend detection divides by a zero range on a feature with one prebin
        with np.errstate(invalid="ignore", divide="ignore"):
            process.fit(X, y)
        self.binnings_ = {column: process.get_binned_variable(column) for column in X.columns}
        tables = {column: self._table(binning) for column, binning in self.binnings_.items()}
        self.iv_ = {column: float(table["iv"].sum()) for column, table in tables.items()}
        notes = []
        candidates = []
        for column, table in tables.items():
            if self.iv_[column] < self.min_iv or table["woe"].nunique() < 2:
                notes.append(f"{column}: left out, information value {self.iv_[column]:.4f}")
            else:
                candidates.append(column)
        index = {c: bin_indices(self.binnings_[c], X[c]) for c in candidates}
        features, notes_lr = self._fit_regression(tables, index, y, candidates)
        self._set_points(tables, features)
        return notes + notes_lr

    @staticmethod
    def _table(binning: Any) -> pd.DataFrame:
        built = binning.binning_table.build()
        built = built.loc[built.index != "Totals"]
        return pd.DataFrame(
            {
                "bin": [
                    str(list(b)) if isinstance(b, list | np.ndarray) else str(b)
                    for b in built["Bin"]
                ],
                "count": built["Count"].to_numpy(dtype=np.int64),
                "event": built["Event"].to_numpy(dtype=np.int64),
                "event_rate": built["Event rate"].to_numpy(dtype=float),
                "woe": built["WoE"].to_numpy(dtype=float),
                "iv": built["IV"].to_numpy(dtype=float),
            }
        )

    def _fit_regression(
        self,
        tables: dict[str, pd.DataFrame],
        index: dict[str, np.ndarray],
        y: np.ndarray,
        features: list[str],
    ) -> tuple[list[str], list[str]]:
        notes: list[str] = []
        # newton-cholesky: few WOE columns and many rows, where it converges in a handful of
        # steps (lbfgs takes seconds per refit on 150 000 rows).
        self.regression_ = LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=200)
        while True:
            if not features:
                self.regression_.fit(np.zeros((len(y), 1)), y)
                self.regression_.coef_[:] = 0.0
                return [], notes
            woe = np.column_stack([tables[c]["woe"].to_numpy()[index[c]] for c in features])
            self.regression_.fit(woe, y)
            coef = self.regression_.coef_[0]
            # WOE is ln(good share / bad share): a positive weight on bad would reverse the
            # bin order the binning proved, so the feature goes and the regression is refitted.
            worst = int(np.argmax(coef))
            if coef[worst] <= 1e-9:
                return features, notes
            notes.append(f"{features[worst]}: left out, its weight has the wrong sign")
            features = [c for i, c in enumerate(features) if i != worst]

    def _set_points(self, tables: dict[str, pd.DataFrame], features: list[str]) -> None:
        scale = self.scale_
        coef = self.regression_.coef_[0]
        intercept = float(self.regression_.intercept_[0])
        base = scale.offset - scale.factor * intercept
        self.features_ = list(features)
        self.base_points_ = 0 if features else int(np.rint(base))
        self.binning_tables_: dict[str, pd.DataFrame] = {}
        self.points_: dict[str, np.ndarray] = {}
        for j, column in enumerate(features):
            table = tables[column].copy()
            share = -scale.factor * coef[j] * table["woe"].to_numpy() + base / len(features)
            table["points"] = np.rint(share).astype(np.int64)
            self.binning_tables_[column] = table
            self.points_[column] = table["points"].to_numpy()
        self.max_points_ = {
            c: int(t.loc[t["count"] > 0, "points"].max()) for c, t in self.binning_tables_.items()
        }

    # -- scoring -------------------------------------------------------------------------
    def _points(self, X: pd.DataFrame) -> np.ndarray:
        columns = [self.points_[c][bin_indices(self.binnings_[c], X[c])] for c in self.features_]
        if not columns:
            return np.zeros((len(X), 0), dtype=np.int64)
        return np.column_stack(columns).astype(np.int64)

    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        score = self._points(X).sum(axis=1) + self.base_points_
        return np.asarray(self.scale_.log_odds_bad(score), dtype=float)

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        points = self._points(X)
        best = np.array([self.max_points_[c] for c in self.features_], dtype=np.int64)
        return pd.DataFrame(
            np.clip(best - points, 0, None).astype(float), columns=self.features_, index=X.index
        )

    def transform(self, X: Any) -> np.ndarray:
        """Return each feature's integer points per row (columns: ``get_feature_names_out``)."""
        check_is_fitted(self, "points_")
        return self._points(self.clean(X))
