"""The scorecard: optimal monotone binning, WOE, logistic regression, integer points.

Binning is optbinning's (``OptimalBinning`` per characteristic); fairdebt does not rewrite it.
The trend of each feature is optbinning's ``auto_heuristic`` choice among ascending,
descending, peak and valley (``monotonic_trend="auto_asc_desc"`` forces strictly monotone),
on pre-bins of 1-2 % of rows (finer for larger books) so that small but telling values of
count features keep their own bin. A numeric column reaches optbinning as its histogram in
weighted rows, with the CART pre-bins grown on it (:mod:`fairdebt.risk.prebinning`): the same
counts and bins, at the cost of a sort instead of a pass over every row per pre-bin.

Every feature's table has its bins, then a *Special* bin (sentinel codes such as 96/98) and a
*Missing* bin. Scoring looks a row up in that same table, so a missing or special value gets
the same points at fit and at score time; a category never seen at fit time is scored as
*Missing*; an empty Missing or Special bin has WOE 0 (neutral points).

Where one points table does not fit the whole book, the scorecard is segmented
(:mod:`fairdebt.risk.segments`, ``segments="auto"``): the bins stay the same, and WOE,
regression and points are estimated within each segment (for example applicants already
90 days late, and the rest). A split is kept only where it raises the AUC of held-out rows
beyond its noise; ``segments="none"`` turns it off. ``segments_`` lists each segment's rule,
``segment_tables_`` its binning tables with points.

Logistic regression on the WOE columns (:mod:`fairdebt.risk.regression`) gives the log-odds of
bad, with one weight for a feature's regular bins and one for its Special and Missing bins;
a weight that comes out with the wrong sign (more WOE meaning more risk, a symptom of
collinearity) is dropped and the regression refitted. The L2 penalty (``C``, scikit-learn's
inverse strength) is chosen with ``C="auto"`` on five inner folds of the training rows from a
small grid, by held-out AUC, for books up to 20 000 rows; a larger book's likelihood outweighs
any sensible penalty, so it keeps ``C=1`` (and its fit time). The default, ``C="small"``, is
``"auto"`` on a small book (at most ``SMALL_BOOK_RARE`` rows of the rarer class, where a few
hundred bads leave the unpenalised weights noisy) and ``C=1`` otherwise: on German credit's
development folds (seeds 1, 2, 3, 7, 11; never seed 42) ``"auto"`` moved the card's AUC by
+0.0021, -0.0008, +0.0013, +0.0017 and -0.0014 (docs/decisions/risk-history-and-ensemble.md,
sixth pass).

The bins' coarseness (optbinning's most bins per feature and least share of rows per bin) is
``bin_limits``: ``"none"`` leaves optbinning's own, a pair ``(max_n_bins, min_bin_size)`` fixes
them, ``"auto"`` chooses among :data:`~fairdebt.risk.binlimits.BIN_LIMITS_GRID` on five inner
folds, each candidate card refitted from its binning (:mod:`fairdebt.risk.binlimits`), and
``"small"`` is ``"auto"`` on a small book and ``"none"`` otherwise. The default is ``"none"``:
on German credit's development folds ``"auto"`` lost 0.0038 AUC on average and on every seed
(seventh pass). Each bin
then gets integer points::

    points[j, b] = round(factor * weight[j, b] * woe[j, b] + (offset - factor * intercept) / m)

on the :class:`~fairdebt.risk.points.PointsScale` (PDO, base score, base odds), ``m`` being the
number of features of the segment, so a row's score is exactly the sum of its integer bin
points and its probability of bad is read off the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from optbinning import OptimalBinning
from sklearn.base import TransformerMixin, clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from fairdebt.risk.binlimits import BinLimits, choose_bin_limits
from fairdebt.risk.budget import SMALL_BOOK_RARE
from fairdebt.risk.estimator import RiskModel
from fairdebt.risk.prebinning import weighted_column
from fairdebt.risk.regression import logistic_fit
from fairdebt.risk.segments import Segment, find_segments, segment_of, within_woe

#: The penalties ``C="auto"`` tries, and the largest book it tries them on.
C_GRID = (0.03, 0.1, 0.3, 1.0)
AUTO_C_ROWS = 20_000

__all__ = ["Scorecard", "bin_indices"]


def bin_indices(binning: Any, values: pd.Series) -> np.ndarray:
    """Return each value's row in the binning table (bins, then Special, then Missing).

    Unseen categories (optbinning's index -1) go to the Missing row. Numeric values are
    looked up with ``searchsorted`` on optbinning's splits (bins are ``[left, right)``), which
    agrees with optbinning's own ``transform(metric="indices")`` (a test holds them equal) at
    a tenth of its cost, for scoring millions of rows.
    """
    if binning.dtype == "categorical":
        n_bins = len(binning.splits)
        index = binning.transform(
            values.to_numpy(dtype=object),
            metric="indices",
            metric_special="empirical",
            metric_missing="empirical",
        )
        index = np.asarray(index, dtype=np.int64)
        index[index < 0] = n_bins + 1
        return index
    raw = values.to_numpy(dtype=float)
    n_bins = len(binning.splits) + 1
    index = np.searchsorted(np.asarray(binning.splits, dtype=float), raw, side="right")
    index = index.astype(np.int64)
    codes = binning.special_codes
    if codes:
        index[np.isin(raw, np.asarray(list(codes), dtype=float))] = n_bins
    index[np.isnan(raw)] = n_bins + 1
    return np.asarray(index, dtype=np.int64)


def _fit_binning(values: pd.Series, y: np.ndarray, params: dict[str, Any]) -> OptimalBinning:
    """optbinning's ``OptimalBinning`` of one column; numeric ones from their histogram.

    A numeric column goes to optbinning as weighted rows with CART pre-bins grown on its
    histogram (:mod:`fairdebt.risk.prebinning`): the same bins, counted once instead of once
    per pre-bin over every row.
    """
    binning = OptimalBinning(name=str(values.name), **params)
    if params["dtype"] == "categorical":
        x, target, weight = values.to_numpy(dtype=object), y, None
    else:
        column = weighted_column(
            values.to_numpy(dtype=float),
            y,
            params["special_codes"],
            min_prebin_size=params["min_prebin_size"],
            max_prebins=params["max_n_prebins"],
        )
        x, target, weight = column.x, column.y, column.weight
        # no cut: optbinning's own pre-binning finds none either, and handles the empty case
        binning.set_params(user_splits=column.cuts if len(column.cuts) else None)
    # optbinning's trend detection divides by a zero range on a feature with one prebin
    with np.errstate(invalid="ignore", divide="ignore"):
        binning.fit(x, target, sample_weight=weight)
    return binning


class Scorecard(TransformerMixin, RiskModel):  # type: ignore[misc]
    """A points scorecard on raw frames, with scikit-learn's estimator contract.

    ``fit(X, y)`` takes a raw frame and a binary target (the second of ``classes_`` is bad).
    ``decision_score`` gives integer points (higher is better), ``transform`` the points of
    each feature, ``predict_proba`` the probability of bad read off the score.
    ``binning_tables_`` maps each feature to its table (bin, count, event, event_rate, woe,
    iv, and points when the scorecard has one segment) and ``iv_`` each binned candidate to
    its information value. ``segments_`` holds the segments (one, ``all``, when the book is
    not segmented) and ``segment_tables_`` each segment's tables with its points.
    """

    def __init__(
        self,
        *,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        monotonic_trend: str = "auto_heuristic",
        max_n_prebins: int | None = None,
        min_prebin_size: float | None = None,
        min_prebin_rows: int = 0,
        min_iv: float = 0.0,
        C: float | str = "small",
        bin_limits: str | tuple[int | None, float | None] = "none",
        segments: str = "auto",
        features: str = "auto",
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
        self.min_prebin_rows = min_prebin_rows
        self.min_iv = min_iv
        self.C = C
        self.bin_limits = bin_limits
        self.segments = segments
        self.features = features
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
        if self.segments not in ("auto", "none"):
            raise ValueError(f"segments must be 'auto' or 'none' (got {self.segments!r})")
        self.bin_limits_, self.bin_limits_scores_ = self._choose_bin_limits(X, y)
        self.binnings_ = self._fit_binnings(X, y)
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
        self.C_ = self._choose_penalty(tables, index, y, candidates)
        self.segments_ = self._find_segments(index, y, tables)
        segment = segment_of(self.segments_, index, len(y))
        fitted = []
        for number in range(len(self.segments_)):
            rows = segment == number
            within = tables if len(self.segments_) == 1 else self._within(tables, index, rows, y)
            usable = [c for c in candidates if _varies(within[c])]
            weights, intercept, notes_lr = self._fit_regression(
                within, {c: index[c][rows] for c in usable}, y[rows], usable
            )
            prefix = "" if len(self.segments_) == 1 else f"segment {self.segments_[number].rule}: "
            notes += [prefix + note for note in notes_lr]
            fitted.append((within, weights, intercept))
        self._set_points(tables, candidates, fitted)
        return notes

    def _choose_penalty(
        self,
        tables: dict[str, pd.DataFrame],
        index: dict[str, np.ndarray],
        y: np.ndarray,
        candidates: list[str],
    ) -> float:
        """``C``, or with ``C="auto"`` the grid value with the best held-out AUC on 5 folds.

        The WOE come from binnings of all the training rows, so every grid value sees the same
        slight optimism; ties go to the weaker penalty.
        """
        fewest = int(min(y.sum(), len(y) - y.sum()))
        penalty = self.C
        if penalty == "small":
            penalty = "auto" if fewest <= SMALL_BOOK_RARE else 1.0
        if penalty != "auto":
            if isinstance(penalty, str) or not penalty > 0:
                raise ValueError(f"C must be a positive number, 'auto' or 'small' (got {self.C!r})")
            return float(penalty)
        if len(y) > AUTO_C_ROWS or fewest < 5 or not candidates:
            return 1.0
        columns = [(c, group) for c in candidates for group in _groups(tables[c], index[c])]
        woe = np.column_stack([_woe_column(tables[c], index[c], g) for c, g in columns])
        split = StratifiedKFold(5, shuffle=True, random_state=0).split(woe, y)
        folds = list(split)
        best, best_auc = 1.0, -1.0
        for c in sorted(C_GRID, reverse=True):
            oof = np.zeros(len(y))
            for train, held in folds:
                coef, intercept = logistic_fit(woe[train], y[train], C=c)
                oof[held] = woe[held] @ coef + intercept
            auc = float(roc_auc_score(y, oof))
            if auc > best_auc + 1e-6:
                best, best_auc = c, auc
        return best

    def _choose_bin_limits(
        self, X: pd.DataFrame, y: np.ndarray
    ) -> tuple[BinLimits, dict[BinLimits, float]]:
        """``bin_limits`` as a :class:`BinLimits`, with the inner folds' mean AUCs if chosen.

        Inner cards are this card's parameters with the candidate limits, fitted on the cleaned
        inner training rows (the cleaning and built features read no target) from their binning
        on; ``"auto"`` on a book above ``AUTO_C_ROWS`` rows or with fewer than 10 of a class
        keeps no limits.
        """
        setting = self.bin_limits
        fewest = int(min(y.sum(), len(y) - y.sum()))
        if isinstance(setting, str):
            if setting == "small":
                setting = "auto" if fewest <= SMALL_BOOK_RARE else "none"
            if setting not in ("auto", "none"):
                raise ValueError(
                    "bin_limits must be 'small', 'auto', 'none' or a pair "
                    f"(max_n_bins, min_bin_size) (got {self.bin_limits!r})"
                )
            if setting == "none" or len(y) > AUTO_C_ROWS or fewest < 10:
                return BinLimits(), {}
        else:
            return BinLimits(*setting), {}

        def fit_and_score(limits: BinLimits, train: np.ndarray, held: np.ndarray) -> np.ndarray:
            inner = clone(self).set_params(bin_limits=tuple(limits), n_jobs=1)
            inner.kinds_, inner.special_codes_ = self.kinds_, self.special_codes_
            inner.scale_ = self.scale_
            inner._fit_clean(X.iloc[train], y[train])
            return np.asarray(inner._log_odds_bad(X.iloc[held]), dtype=float)

        return choose_bin_limits(fit_and_score, y)

    def _prebins(self, n_rows: int) -> tuple[float, int]:
        """Smallest pre-bin share and most pre-bins: finer for larger books.

        The share is 1 000 rows' worth of the book kept between 1 % and 2 % (2 % up to 50 000
        rows, 1 % from 100 000), raised to ``min_prebin_rows`` rows' worth where that is more
        (at most 5 %; the ensemble's scorecard asks for 40: 8 pre-bins on an 800-row book),
        with at most 0.4 / share pre-bins and never more than 30 (20 at 2 %, 30 at 1 %): small
        books keep enough rows per bin to estimate its bad rate, large ones get bins fine
        enough for the shapes they can show (+0.0007 AUC on GMSC; 1 % on German credit's
        thousand rows overfits). optbinning's solver time grows fast with the pre-bins: 40
        cost twice the time of 30 on GMSC for the same information value. Set either
        parameter to fix it.
        """
        share = self.min_prebin_size
        if share is None:
            share = float(np.clip(1000.0 / max(n_rows, 1), 0.01, 0.02))
            # a small book: at least min_prebin_rows rows a pre-bin (up to 5 %), since a bad
            # rate read off 16 rows (2 % of 800) is noise: +-0.11 at a 30 % bad rate
            share = max(share, min(0.05, self.min_prebin_rows / max(n_rows, 1)))
        most = self.max_n_prebins if self.max_n_prebins is not None else min(30, round(0.4 / share))
        return share, int(most)

    def _fit_binnings(self, X: pd.DataFrame, y: np.ndarray) -> dict[str, OptimalBinning]:
        kinds = self.kinds_
        share, most = self._prebins(len(X))
        self.prebinning_ = {"min_prebin_size": share, "max_n_prebins": most}
        params = {
            column: {
                "dtype": "categorical" if kinds[column] == "categorical" else "numerical",
                "monotonic_trend": self.monotonic_trend,
                "max_n_prebins": most,
                "min_prebin_size": share,
                "max_n_bins": self.bin_limits_.max_n_bins,
                "min_bin_size": self.bin_limits_.min_bin_size,
                "special_codes": list(self.special_codes_.get(column, [])) or None,
            }
            for column in X.columns
        }
        if self.n_jobs in (None, 1):
            fitted = [_fit_binning(X[c], y, params[c]) for c in X.columns]
        else:
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_binning)(X[c], y, params[c]) for c in X.columns
            )
        return dict(zip(X.columns, fitted, strict=True))

    def _find_segments(
        self, index: dict[str, np.ndarray], y: np.ndarray, tables: dict[str, pd.DataFrame]
    ) -> list[Segment]:
        if self.segments == "none" or not index:
            return [Segment()]
        return find_segments(
            index,
            y,
            n_regular={c: len(tables[c]) - 2 for c in index},
            labels={c: tables[c]["bin"].tolist() for c in index},
            iv=self.iv_,
        )

    @staticmethod
    def _within(
        tables: dict[str, pd.DataFrame],
        index: dict[str, np.ndarray],
        rows: np.ndarray,
        y: np.ndarray,
    ) -> dict[str, pd.DataFrame]:
        """Each feature's table re-counted on one segment's rows (same bins, own WOE and IV).

        ``event_rate`` is the segment's own; ``woe`` follows the book's trend
        (:func:`~fairdebt.risk.segments.within_woe`).
        """
        out = {}
        members = np.flatnonzero(rows)
        events = y[members]
        for column, bins in index.items():
            n_bins = len(tables[column])
            own = bins[members]
            count = np.bincount(own, minlength=n_bins)
            event = np.bincount(own, weights=events, minlength=n_bins).astype(np.int64)
            shape = tables[column]["event_rate"].to_numpy()[: n_bins - 2]
            woe, iv = within_woe(count, event, shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(count > 0, event / np.maximum(count, 1), 0.0)
            out[column] = pd.DataFrame(
                {
                    "bin": tables[column]["bin"].to_numpy(),
                    "count": count.astype(np.int64),
                    "event": event,
                    "event_rate": rate,
                    "woe": woe,
                    "iv": iv,
                }
            )
        return out

    @staticmethod
    def _table(binning: Any) -> pd.DataFrame:
        built = binning.binning_table.build()
        built = built.loc[built.index != "Totals"]
        return pd.DataFrame(
            {
                "bin": [_bin_label(b) for b in built["Bin"]],
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
    ) -> tuple[dict[str, np.ndarray], float, list[str]]:
        """Weights of each feature's bins: one for the regular bins, one for Special/Missing.

        Special and Missing bins get their own weight (where they hold rows): their WOE mixes
        what the value says with who leaves it blank (income is missing for applicants whose
        debt ratio is then an amount, not a ratio), which the other features partly explain.
        Returns the weight of every bin per feature kept, the intercept and notes.
        """
        notes: list[str] = []
        columns = [(c, group) for c in features for group in _groups(tables[c], index[c])]
        woe = np.column_stack(
            [_woe_column(tables[c], index[c], g) for c, g in columns] or [np.zeros(len(y))]
        )
        keep = list(range(len(columns)))
        start: np.ndarray | None = None
        while True:
            if not keep or len(np.unique(y)) < 2:
                rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6)) if len(y) else 0.5
                return {}, float(np.log(rate / (1.0 - rate))), notes
            coef, intercept = logistic_fit(woe[:, keep], y, C=self.C_, start=start)
            # WOE is ln(good share / bad share): a positive weight on bad would reverse the
            # bin order the binning proved, so the column goes and the regression is refitted.
            worst = int(np.argmax(coef))
            if coef[worst] <= 1e-9:
                break
            feature, group = columns[keep[worst]]
            labels = tables[feature]["bin"].tolist()
            notes.append(
                f"{feature}: bins {labels[group[0]]} to {labels[group[1] - 1]} left out, "
                "their weight has the wrong sign"
            )
            del keep[worst]
            start = np.append(np.delete(coef, worst), intercept)
        weights: dict[str, np.ndarray] = {}
        for column, value in zip(keep, coef, strict=True):
            feature, group = columns[column]
            weight = weights.setdefault(feature, np.zeros(len(tables[feature])))
            weight[group[0] : group[1]] = -value
        return weights, intercept, notes

    def _set_points(
        self,
        tables: dict[str, pd.DataFrame],
        candidates: list[str],
        fitted: list[tuple[dict[str, pd.DataFrame], dict[str, np.ndarray], float]],
    ) -> None:
        """Integer points per segment and bin; a feature a segment does not use scores 0.

        ``points = round(factor * weight * woe + (offset - factor * intercept) / m)``, the
        weight being minus the regression coefficient of the bin's column.
        """
        scale = self.scale_
        used = {c for _, weights, _ in fitted for c in weights}
        split_on = {feature for s in self.segments_ for feature, _ in s.conditions}
        self.features_ = [c for c in candidates if c in used]
        self.lookup_features_ = [c for c in candidates if c in used | split_on]
        n_segments = len(fitted)
        self.points_ = {c: np.zeros((n_segments, len(tables[c])), np.int64) for c in self.features_}
        self.max_points_ = {c: np.zeros(n_segments, np.int64) for c in self.features_}
        self.base_points_ = np.zeros(n_segments, dtype=np.int64)
        self.segment_tables_: list[dict[str, pd.DataFrame]] = []
        self.intercepts_ = np.array([intercept for _, _, intercept in fitted])
        for number, (within, weights, intercept) in enumerate(fitted):
            base = scale.offset - scale.factor * intercept
            self.base_points_[number] = 0 if weights else int(np.rint(base))
            seg_tables = {}
            for column in [c for c in self.features_ if c in weights]:
                table = within[column].copy()
                share = scale.factor * weights[column] * table["woe"].to_numpy()
                table["points"] = np.rint(share + base / len(weights)).astype(np.int64)
                seg_tables[column] = table
                self.points_[column][number] = table["points"].to_numpy()
                filled = table["count"].to_numpy() > 0
                self.max_points_[column][number] = int(table["points"].to_numpy()[filled].max())
            self.segment_tables_.append(seg_tables)
        if n_segments == 1:
            self.binning_tables_ = dict(self.segment_tables_[0])
        else:
            self.binning_tables_ = {c: tables[c] for c in self.features_}

    # -- scoring -------------------------------------------------------------------------
    def _lookup(self, X: pd.DataFrame) -> tuple[dict[str, np.ndarray], np.ndarray]:
        index = {c: bin_indices(self.binnings_[c], X[c]) for c in self.lookup_features_}
        return index, segment_of(self.segments_, index, len(X))

    def bin_labels(self, X: Any) -> pd.DataFrame:
        """The label of each row's bin for every feature (as in ``binning_tables_``)."""
        check_is_fitted(self, "points_")
        clean = self.clean(X)
        return pd.DataFrame(
            {
                c: np.asarray(self.binning_tables_[c]["bin"], dtype=object)[
                    bin_indices(self.binnings_[c], clean[c])
                ]
                for c in self.features_
            },
            index=clean.index,
        )

    def segment_of(self, X: Any) -> np.ndarray:
        """The segment number of each row of a raw frame (all 0 when not segmented)."""
        check_is_fitted(self, "points_")
        return self._lookup(self.clean(X))[1]

    def _points_and_segment(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        index, segment = self._lookup(X)
        if not self.features_:
            return np.zeros((len(X), 0), dtype=np.int64), segment
        columns = [self.points_[c][segment, index[c]] for c in self.features_]
        return np.column_stack(columns).astype(np.int64), segment

    def _points(self, X: pd.DataFrame) -> np.ndarray:
        return self._points_and_segment(X)[0]

    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        points, segment = self._points_and_segment(X)
        score = points.sum(axis=1) + self.base_points_[segment]
        return np.asarray(self.scale_.log_odds_bad(score), dtype=float)

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        points, segment = self._points_and_segment(X)
        if self.features_:
            best = np.column_stack([self.max_points_[c][segment] for c in self.features_])
        else:
            best = np.zeros_like(points)
        return pd.DataFrame(
            np.clip(best - points, 0, None).astype(float), columns=self.features_, index=X.index
        )

    def transform(self, X: Any) -> np.ndarray:
        """Return each feature's integer points per row (columns: ``get_feature_names_out``)."""
        check_is_fitted(self, "points_")
        return self._points(self.clean(X))


def _groups(table: pd.DataFrame, bins: np.ndarray) -> list[tuple[int, int]]:
    """Weight groups of a feature's bins, each a ``(start, stop)`` range of table rows.

    The regular bins are one group; Special and Missing are a group of their own where they
    hold rows.
    """
    n_regular = len(table) - 2
    woe = table["woe"].to_numpy()
    groups = []
    if bool(np.any(bins < n_regular)):
        groups.append((0, n_regular))
    if bool(np.any(bins >= n_regular)) and bool(np.any(woe[n_regular:] != 0.0)):
        groups.append((n_regular, n_regular + 2))
    return groups


def _woe_column(table: pd.DataFrame, bins: np.ndarray, group: tuple[int, int]) -> np.ndarray:
    """The WOE of each row's bin where the bin is in ``group``, else 0."""
    woe = np.zeros(len(table))
    woe[group[0] : group[1]] = table["woe"].to_numpy()[group[0] : group[1]]
    return np.asarray(woe[bins], dtype=float)


def _bin_label(value: Any) -> str:
    """A bin's label: an interval as optbinning writes it, a category group as a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | np.ndarray | pd.api.extensions.ExtensionArray):
        return str([str(item) for item in value])
    return str(value)


def _varies(table: pd.DataFrame) -> bool:
    """A feature can enter a segment's regression if two filled bins differ in WOE."""
    filled = table.loc[table["count"] > 0, "woe"]
    return bool(filled.nunique() >= 2)
