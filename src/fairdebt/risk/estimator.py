"""What every fairdebt risk model shares: scikit-learn's classifier contract on raw frames.

:class:`RiskModel` checks the target (binary only; the second class of ``classes_`` is *bad*),
keeps ``feature_names_in_``/``n_features_in_`` the way scikit-learn does, cleans raw frames with
:class:`~fairdebt.risk.cleaning.FrameCleaner` inside the estimator (so a raw frame goes straight
into ``fit``, ``predict_proba`` and ``decision_score``), and turns log-odds into points on the
shared :class:`~fairdebt.risk.points.PointsScale`. Concrete models implement ``_fit_clean``,
``_log_odds_bad`` and ``_feature_impacts`` (points each feature cost each row).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags, assert_all_finite
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from fairdebt.risk.cleaning import FrameCleaner, read_input
from fairdebt.risk.features import FeatureBuilder
from fairdebt.risk.history import Built
from fairdebt.risk.points import PointsScale
from fairdebt.risk.reasons import default_catalogue

__all__ = ["RiskModel"]


class RiskModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Base of :class:`~fairdebt.risk.scorecard.Scorecard` and :class:`~fairdebt.risk.gbm.GBMModel`.

    Subclasses declare ``drop``, ``special_codes``, ``features``, ``pdo``, ``base_score`` and
    ``base_odds`` as constructor parameters. With ``features="auto"`` the cleaned frame gets the
    built features of :class:`~fairdebt.risk.features.FeatureBuilder` (history summaries,
    amount ratios) before the model sees it; ``kinds_`` and ``special_codes_`` then describe the
    built columns too.
    """

    drop: Any
    special_codes: Any
    features: str
    pdo: float
    base_score: float
    base_odds: float

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.classifier_tags.multi_class = False
        return tags

    # -- fitting -------------------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> RiskModel:
        """Fit on a raw frame (or array) ``X`` and a binary target ``y``; return ``self``."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        target = column_or_1d(y, warn=True)
        if target.dtype.kind in "fc":
            assert_all_finite(target, input_name="y")
        check_classification_targets(target)
        if len(target) < 2:
            raise ValueError(f"n_samples = {len(target)}: fitting needs at least 2 rows")
        if len(np.unique(target)) < 2:
            raise ValueError(f"y has 1 class only; {type(self).__name__} needs 2 classes")
        if type_of_target(target) != "binary":
            kind = type_of_target(target)
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {kind}."
            )
        frame = read_input(self, X, reset=True)
        if len(frame) != len(target):
            raise ValueError(f"X has {len(frame)} rows but y has {len(target)}")
        self.classes_ = np.unique(target)
        y01 = (target == self.classes_[1]).astype(np.int64)
        self.cleaner_ = FrameCleaner(drop=tuple(self.drop), special_codes=self.special_codes)
        clean = self.cleaner_.fit(frame).transform(frame)
        self.kinds_ = dict(self.cleaner_.kinds_)
        self.special_codes_ = dict(self.cleaner_.special_codes_)
        self.builder_: FeatureBuilder | None = None
        built_notes: list[str] = []
        if self._features_setting() == "auto":
            self.builder_ = FeatureBuilder(kinds=self.kinds_, special_codes=self.special_codes_)
            clean = self.builder_.fit(clean).transform(clean)
            self.kinds_.update({name: "numeric" for name in self.builder_.built_names_})
            built_notes = [
                f"{family.stem}: a family of {family.months} monthly {family.kind} columns "
                f"(found by {family.found_by}), summarised"
                for family in self.builder_.families_
            ]
        self.scale_ = PointsScale(self.pdo, self.base_score, self.base_odds)
        self.notes_ = [*self.cleaner_.notes_, *built_notes, *self._fit_clean(clean, y01)]
        self.reasons_ = default_catalogue(self.features_)
        for name, built in self.built_features().items():
            if name in self.reasons_:
                self.reasons_[name] = {
                    **self.reasons_[name],
                    "zh": f"{built.zh}对评分不利",
                    "en": f"{built.en[0].upper()}{built.en[1:]}: unfavourable",
                }
        return self

    def _features_setting(self) -> str:
        setting = getattr(self, "features", "none")
        if setting not in ("auto", "none"):
            raise ValueError(f"features must be 'auto' or 'none' (got {setting!r})")
        return str(setting)

    def built_features(self) -> dict[str, Built]:
        """Built feature name -> its meaning (en, zh) and source columns; empty if none."""
        builder = getattr(self, "builder_", None)
        return {} if builder is None else builder.meanings()

    def _fit_clean(self, X: pd.DataFrame, y: np.ndarray) -> list[str]:
        """Fit on cleaned columns and a 0/1 target; return notes on features left out."""
        raise NotImplementedError

    # -- scoring -------------------------------------------------------------------------
    def clean(self, X: Any) -> pd.DataFrame:
        """Return the cleaned model columns of a raw frame, read as at fit time."""
        check_is_fitted(self, "cleaner_")
        frame = read_input(self, X, reset=False)
        clean = self.cleaner_.transform(frame)
        builder = getattr(self, "builder_", None)
        return clean if builder is None else builder.transform(clean)

    def _log_odds_bad(self, X: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def _feature_impacts(self, X: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return ``[P(good), P(bad)]`` per row, columns in the order of ``classes_``."""
        # the logistic function without overflow (a separable book gives huge log-odds)
        bad = expit(self._log_odds_bad(self.clean(X)))
        return np.column_stack([1.0 - bad, bad])

    def predict(self, X: Any) -> np.ndarray:
        """Return the more likely class per row (bad when its probability is at least 0.5)."""
        is_bad = self.predict_proba(X)[:, 1] >= 0.5
        return np.asarray(self.classes_[is_bad.astype(int)])

    def decision_score(self, X: Any) -> np.ndarray:
        """Return integer score points per row (higher is better) on the PDO scale."""
        points = np.rint(self.scale_.score(self._log_odds_bad(self.clean(X))))
        return np.asarray(points, dtype=np.int64)

    def feature_impacts(self, X: Any) -> pd.DataFrame:
        """Return the points each feature took off each row's score (0 where none)."""
        return self._feature_impacts(self.clean(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the names of the features the model uses, after cleaning."""
        check_is_fitted(self, "features_")
        return np.asarray(self.features_, dtype=object)
