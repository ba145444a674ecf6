"""The GBM: monotone where the binning is, calibrated, on the scorecard's points scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tests.risk.conftest import lender_extract

from fairdebt.risk import GBMModel, reason_codes
from fairdebt.risk.gbm import trend_of


def test_monotone_constraints_follow_the_binning_trends_and_leave_bends_free() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    X = pd.DataFrame(
        {
            "utilisation": rng.uniform(0, 1, n),
            "age": rng.uniform(20, 70, n),
            "bent": rng.uniform(-1, 1, n),
            "city": rng.choice(np.array(["A", "B", "C"], dtype=object), n),
        }
    )
    risk = 6 * X["utilisation"] - 0.12 * (X["age"] - 45) + 4 * X["bent"] ** 2 - 3
    y = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    model = GBMModel(n_estimators=40, n_jobs=1).fit(X, y)
    assert model.monotone_constraints_ == {"utilisation": 1, "age": -1, "bent": 0, "city": 0}
    rows = X.iloc[[0] * 5].copy()
    rows["utilisation"] = [0.0, 0.2, 0.5, 0.8, 1.0]
    assert (np.diff(model.predict_proba(rows)[:, 1]) >= 0).all()


def test_calibrated_probabilities_average_to_the_bad_rate(german_gbm, german) -> None:
    X, y = german
    assert abs(german_gbm.predict_proba(X)[:, 1].mean() - y.mean()) < 0.03


def test_the_score_is_on_the_pdo_scale_of_the_probability(german_gbm, german) -> None:
    X, _ = german
    p_bad = german_gbm.predict_proba(X.head(20))[:, 1]
    expected = np.rint(600 + 20 / np.log(2) * np.log((1 - p_bad) / p_bad / 50))
    assert (german_gbm.decision_score(X.head(20)) == expected).all()


def test_gbm_reasons_are_the_largest_treeshap_penalties_in_points(german_gbm, german) -> None:
    X, _ = german
    reasons = reason_codes(german_gbm, X.head(30), k=4)
    points = reasons[[f"reason_{i}_points" for i in range(1, 5)]].to_numpy()
    assert (np.diff(points, axis=1) <= 0).all()
    impacts = german_gbm.feature_impacts(X.head(30))
    assert np.allclose(points[:, 0], impacts.max(axis=1).round(2))


def test_shap_contributions_add_up_to_the_calibrated_log_odds(german_gbm, german) -> None:
    X, _ = german
    clean = german_gbm.clean(X.head(10))
    contributions = german_gbm.booster_.predict(german_gbm._lgb_frame(clean), pred_contrib=True)
    slope, intercept = german_gbm.platt_
    log_odds = np.log(german_gbm.predict_proba(X.head(10))[:, 1])
    log_odds -= np.log(german_gbm.predict_proba(X.head(10))[:, 0])
    assert np.allclose(slope * contributions.sum(axis=1) + intercept, log_odds)


def test_isotonic_calibration_is_available() -> None:
    frame, y = lender_extract(n=800, seed=5)
    model = GBMModel(n_estimators=30, calibration="isotonic", n_jobs=1)
    p = model.fit(frame.drop(columns="status"), y).predict_proba(frame.drop(columns="status"))
    assert ((p > 0) & (p < 1)).all()


def test_trend_of_reads_rising_falling_and_bent_event_rates() -> None:
    assert [trend_of(np.array(r)) for r in ([0.1, 0.2], [0.3, 0.1], [0.1, 0.3, 0.2], [0.2])] == [
        1,
        -1,
        0,
        0,
    ]
    assert isinstance(pd.DataFrame(), pd.DataFrame)
