"""The gradient-boosted model: LightGBM with monotone constraints and calibrated probabilities.

Monotone constraints come from optbinning's binning of each numeric feature (the same binning a
scorecard would use): an event rate that only rises across the bins constrains the model to
raise risk with the feature, one that only falls to lower it; peaks, valleys and categorical
features are left free. Special values (96/98...) are given to LightGBM as missing, which it
routes on its own; categories are LightGBM categoricals fixed at fit time (unseen = missing).

Calibration (Platt by default, isotonic on request) is fitted on out-of-fold raw scores from a
stratified ``calibration_folds``-fold split of the training data; the same folds pick the number
of trees by early stopping, and the final booster is refitted on all rows. Platt scaling is
monotone, so it changes no ranking, and TreeSHAP contributions stay additive on the calibrated
log-odds scale (they are multiplied by the Platt slope). The score is on the scorecard's PDO
scale, rounded to integer points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from optbinning import OptimalBinning
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fairdebt.risk.estimator import RiskModel

__all__ = ["GBMModel", "trend_of"]


def trend_of(event_rates: np.ndarray) -> int:
    """Return +1 if event rates never fall, -1 if they never rise, else 0 (peak, valley, flat).

    >>> [trend_of(np.array(r)) for r in ([0.1, 0.2, 0.4], [0.3, 0.1], [0.1, 0.3, 0.2])]
    [1, -1, 0]
    """
    if len(event_rates) < 2:
        return 0
    steps = np.diff(event_rates)
    if np.all(steps >= 0) and np.any(steps > 0):
        return 1
    if np.all(steps <= 0) and np.any(steps < 0):
        return -1
    return 0


#: Tree shapes (num_leaves, min_child_samples) tried when neither is fixed: a small, cautious
#: tree for small books (German credit) and LightGBM's default for larger ones (HMEQ, GMSC).
SHAPES = ((15, 40), (31, 20))


class GBMModel(RiskModel):
    """A LightGBM classifier on raw frames, monotone where the binning says so, calibrated.

    ``num_leaves`` and ``min_child_samples`` left as ``None`` are chosen among ``SHAPES`` by
    the out-of-fold AUC of the calibration folds (``tree_shape_``).
    ``decision_score`` gives integer points on the PDO scale (higher is better),
    ``predict_proba`` the calibrated probability of bad, ``monotone_constraints_`` the
    constraint given to each feature (+1 risk rises with it, -1 falls, 0 free).
    """

    def __init__(
        self,
        *,
        n_estimators: int = 1000,
        learning_rate: float = 0.05,
        num_leaves: int | None = None,
        min_child_samples: int | None = None,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        monotone: bool = True,
        monotone_min_iv_share: float = 0.9,
        calibration: str = "sigmoid",
        calibration_folds: int = 3,
        early_stopping_rounds: int = 50,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        drop: Sequence[str] = (),
        special_codes: Mapping[str, Sequence[float]] | None = None,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.monotone = monotone
        self.monotone_min_iv_share = monotone_min_iv_share
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.early_stopping_rounds = early_stopping_rounds
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.drop = drop
        self.special_codes = special_codes
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting -------------------------------------------------------------------------
    def _fit_clean(self, X: pd.DataFrame, y: np.ndarray) -> list[str]:
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ValueError(
                f"calibration must be 'sigmoid' or 'isotonic' (got {self.calibration!r})"
            )
        self.features_ = list(X.columns)
        self.categories_ = {
            c: sorted(X[c].dropna().unique().tolist())
            for c, kind in self.cleaner_.kinds_.items()
            if kind == "categorical"
        }
        self.monotone_constraints_ = {c: self._constraint(X[c], y) for c in self.features_}
        frame = self._lgb_frame(X)
        margins, n_trees, self.tree_shape_ = self._choose_shape(frame, y)
        self.n_estimators_ = n_trees
        self.booster_ = self._booster(n_trees, self.tree_shape_).fit(frame, y)
        if margins is None:
            margins = np.asarray(self.booster_.predict(frame, raw_score=True), dtype=float)
        self._fit_calibration(margins, y)
        return []

    def _constraint(self, values: pd.Series, y: np.ndarray) -> int:
        """The binning trend of a numeric feature, if a monotone binning explains it well.

        A monotone binning (ascending or descending, whichever optbinning finds better) must
        keep at least ``monotone_min_iv_share`` of the information value of an unconstrained
        binning; otherwise the relation is not monotone (HMEQ's debt-to-income ratio, where
        missing and extreme values both mean risk) and the feature is left free.
        """
        name = str(values.name)
        if not self.monotone or self.cleaner_.kinds_[name] == "categorical":
            return 0
        x = values.to_numpy(dtype=float)
        codes = self.cleaner_.special_codes_.get(name) or None
        binnings = {}
        for trend in ("auto_asc_desc", None):
            binning = OptimalBinning(
                name=name, monotonic_trend=trend, min_prebin_size=0.02, special_codes=codes
            )
            # optbinning's trend detection divides by a zero range on a one-prebin feature
            with np.errstate(invalid="ignore", divide="ignore"):
                binning.fit(x, y)
            binnings[trend] = binning
        monotone, free = binnings["auto_asc_desc"], binnings[None]
        n_bins = len(monotone.splits) + 1
        table = monotone.binning_table.build()
        rates = table["Event rate"].to_numpy(dtype=float)[:n_bins]
        iv_monotone = float(table["IV"].to_numpy(dtype=float)[:n_bins].sum())
        free_table = free.binning_table.build()
        iv_free = float(free_table["IV"].to_numpy(dtype=float)[: len(free.splits) + 1].sum())
        if iv_free <= 0 or iv_monotone < self.monotone_min_iv_share * iv_free:
            return 0
        return trend_of(rates)

    def _lgb_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        columns: dict[str, Any] = {}
        for column in self.features_:
            values = X[column]
            if column in self.categories_:
                columns[column] = pd.Categorical(values, categories=self.categories_[column])
            else:
                codes = self.cleaner_.special_codes_.get(column)
                columns[column] = values.where(~values.isin(codes), np.nan) if codes else values
        return pd.DataFrame(columns, index=X.index)

    def _shapes(self) -> list[tuple[int, int]]:
        """Candidate (num_leaves, min_child_samples); ``None`` parameters are chosen by CV."""
        leaves = [self.num_leaves] if self.num_leaves is not None else [15, 31]
        children = [self.min_child_samples] if self.min_child_samples is not None else [40, 20]
        if self.num_leaves is None and self.min_child_samples is None:
            return list(SHAPES)
        return [(n, c) for n in leaves for c in children][:2]

    def _choose_shape(
        self, frame: pd.DataFrame, y: np.ndarray
    ) -> tuple[np.ndarray | None, int, tuple[int, int]]:
        """Pick the tree shape with the best out-of-fold AUC; keep its margins and trees."""
        best: tuple[float, np.ndarray | None, int, tuple[int, int]] | None = None
        for shape in self._shapes():
            margins, n_trees = self._out_of_fold(frame, y, shape)
            auc = roc_auc_score(y, margins) if margins is not None else 0.0
            if best is None or auc > best[0]:
                best = (auc, margins, n_trees, shape)
        assert best is not None
        return best[1], best[2], best[3]

    def _booster(self, n_trees: int, shape: tuple[int, int]) -> lgb.LGBMClassifier:
        return lgb.LGBMClassifier(
            n_estimators=n_trees,
            learning_rate=self.learning_rate,
            num_leaves=shape[0],
            min_child_samples=shape[1],
            subsample=self.subsample,
            subsample_freq=1,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            monotone_constraints=[self.monotone_constraints_[c] for c in self.features_],
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            verbose=-1,
        )

    def _out_of_fold(
        self, frame: pd.DataFrame, y: np.ndarray, shape: tuple[int, int]
    ) -> tuple[np.ndarray | None, int]:
        """Out-of-fold raw scores and the early-stopped number of trees (None, n if too small)."""
        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        if folds < 2:
            return None, self.n_estimators
        margins = np.zeros(len(y))
        best: list[int] = []
        split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        for train, held in split.split(frame, y):
            model = self._booster(self.n_estimators, shape).fit(
                frame.iloc[train],
                y[train],
                eval_X=(frame.iloc[held],),
                eval_y=(y[held],),
                callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
            )
            trees = int(model.best_iteration_ or self.n_estimators)
            best.append(trees)
            margins[held] = model.predict(frame.iloc[held], raw_score=True, num_iteration=trees)
        return margins, max(1, int(np.mean(best)))

    def _fit_calibration(self, margins: np.ndarray, y: np.ndarray) -> None:
        if self.calibration == "sigmoid":
            platt = LogisticRegression(C=1e6, solver="lbfgs").fit(margins.reshape(-1, 1), y)
            self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        else:
            self.platt_ = (1.0, 0.0)
            self.isotonic_ = IsotonicRegression(
                out_of_bounds="clip", y_min=1e-6, y_max=1 - 1e-6
            ).fit(margins, y)

    # -- scoring -------------------------------------------------------------------------
    def raw_log_odds(self, X: pd.DataFrame) -> np.ndarray:
        """LightGBM's uncalibrated log-odds of bad for cleaned columns."""
        return np.asarray(self.booster_.predict(self._lgb_frame(X), raw_score=True), dtype=float)

    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        margins = self.raw_log_odds(X)
        if self.calibration == "isotonic":
            p = self.isotonic_.predict(margins)
            return np.asarray(np.log(p / (1.0 - p)), dtype=float)
        slope, intercept = self.platt_
        return slope * margins + intercept

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        raw = self.booster_.predict(self._lgb_frame(X), pred_contrib=True)
        contributions = np.asarray(raw, dtype=float)[:, :-1]
        points = self.scale_.factor * self.platt_[0] * contributions
        return pd.DataFrame(np.clip(points, 0, None), columns=self.features_, index=X.index)
