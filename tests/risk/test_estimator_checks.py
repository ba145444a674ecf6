"""scikit-learn's estimator checks pass on fairdebt's risk models and its frame cleaner.

Every check of ``estimator_checks_generator`` runs except ``check_array_api_input``, which
scikit-learn itself skips unless ``SCIPY_ARRAY_API=1`` is set; our models are pandas, optbinning
and LightGBM based and do not claim array-API support, so that check has nothing to verify.
Small settings keep the checks fast: they test the contract, not the fit quality (the ensemble's
forests grow ten trees instead of 300: its three forests took two thirds of these checks' time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from fairdebt.risk import EnsembleModel, GBMModel, Scorecard
from fairdebt.risk.cleaning import FrameCleaner

ESTIMATORS = [
    Scorecard(max_n_prebins=5, min_prebin_size=0.1),
    GBMModel(n_estimators=10, min_child_samples=5, calibration_folds=2, n_jobs=1),
    EnsembleModel(folds=2, time_budget=0.0, max_trials=1, bags=2, steps=3, n_jobs=1, trees=10),
    FrameCleaner(),
]
NOT_RUN = {"check_array_api_input"}


def _name(check: Callable[..., Any]) -> str:
    return str(getattr(check, "func", check).__name__)


CHECKS = [
    pytest.param(estimator, check, id=f"{type(estimator).__name__}-{_name(check)}")
    for each in ESTIMATORS
    for estimator, check in estimator_checks_generator(each)
    if _name(check) not in NOT_RUN
]


@pytest.mark.parametrize(("estimator", "check"), CHECKS)
def test_the_estimator_keeps_the_scikit_learn_contract(
    estimator: Any, check: Callable[[Any], None]
) -> None:
    check(estimator)
