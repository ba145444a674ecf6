"""Credit-risk models: scorecards and gradient-boosted models with reason codes.

- :class:`Scorecard` — optbinning's monotone optimal binning, WOE, logistic regression and
  integer points on a PDO scale;
- :class:`GBMModel` — LightGBM with monotone constraints from the binning, calibrated;
- :class:`EnsembleModel` — the scorecard, the GBM, a tuned LightGBM, two random forests, extra
  trees and a spline logit blended by bagged ensemble selection, with SHAP reason codes;
- :class:`FeatureBuilder` — history summaries of repeated monthly columns and amount ratios,
  built inside every model (``features="auto"``); :func:`widen_history` for long tables;
- :func:`reason_codes` — the top reasons that lowered a score, with zh-CN and English text;
- :func:`save_model` / :func:`load_model` — versioned model folders with card and reasons;
- :func:`load_german_credit` — the built-in UCI German credit data (CC BY 4.0).

Reject inference (``fairdebt.risk.rejects``) and out-of-time validation
(``fairdebt.risk.oot``) refit or judge any of them beyond its own sample. Every model takes raw
frames (text categoricals, missing values, sentinel codes, percentages);
see :mod:`fairdebt.risk.cleaning`. Validation and monitoring reports live in
``fairdebt.risk.validation``, ``monitoring``, ``report`` and ``card``.
"""

from fairdebt.risk.artifacts import load_card, load_model, save_model
from fairdebt.risk.cleaning import FrameCleaner, make_target
from fairdebt.risk.crossval import cross_validate, ks_statistic
from fairdebt.risk.datasets import german_credit_reasons, load_german_credit
from fairdebt.risk.ensemble import EnsembleModel
from fairdebt.risk.features import FeatureBuilder
from fairdebt.risk.gbm import GBMModel
from fairdebt.risk.history import find_families, widen_history
from fairdebt.risk.reasons import reason_codes
from fairdebt.risk.scorecard import Scorecard

__all__ = [
    "EnsembleModel",
    "FeatureBuilder",
    "FrameCleaner",
    "GBMModel",
    "Scorecard",
    "cross_validate",
    "find_families",
    "german_credit_reasons",
    "ks_statistic",
    "load_card",
    "load_german_credit",
    "load_model",
    "make_target",
    "reason_codes",
    "save_model",
    "widen_history",
]
