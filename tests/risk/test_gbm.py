"""The GBM: monotone where the binning is (unless held-out folds disprove it), calibrated."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
from tests.risk.conftest import lender_extract

from fairdebt.risk import GBMModel, load_model, reason_codes, save_model
from fairdebt.risk.gbm import SHAPES, trend_of


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
    model = GBMModel(n_estimators=40, free_constraints=False, n_jobs=1).fit(X, y)
    assert model.binning_trends_ == {"utilisation": 1, "age": -1, "bent": 0, "city": 0}
    assert model.monotone_constraints_ == model.binning_trends_
    assert model.freed_constraints_ == {}
    rows = X.iloc[[0] * 5].copy()
    rows["utilisation"] = [0.0, 0.2, 0.5, 0.8, 1.0]
    assert (np.diff(model.predict_proba(rows)[:, 1]) >= 0).all()


def _masked_effect(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Risk rises with ``lines`` on its own (it goes with ``debt``) but falls given ``debt``."""
    rng = np.random.default_rng(seed)
    debt = rng.normal(size=n)
    lines = debt + 0.5 * rng.normal(size=n)
    risk = 3 * debt - 1.5 * lines - 1
    y = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    return pd.DataFrame({"debt": debt, "lines": lines}), y


def test_a_binning_trend_the_model_disproves_out_of_fold_is_freed_and_recorded() -> None:
    X, y = _masked_effect(4000, seed=4)
    model = GBMModel(n_jobs=1).fit(X, y)
    assert model.binning_trends_ == {"debt": 1, "lines": 1}
    assert model.monotone_constraints_ == {"debt": 1, "lines": 0}
    assert list(model.freed_constraints_) == ["lines"]
    assert model.freed_constraints_["lines"]["trend"] == 1
    assert model.freed_constraints_["lines"]["auc_gain"] > 0
    assert model.freed_constraints_["lines"]["oof_auc_gain"] >= model.min_auc_gain
    rows = X.iloc[[0] * 5].copy()
    rows["lines"] = [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert np.diff(model.predict_proba(rows)[:, 1]).min() < 0  # learnt against the trend


def test_every_binning_trend_is_kept_when_freeing_is_turned_off() -> None:
    X, y = _masked_effect(4000, seed=4)
    model = GBMModel(free_constraints=False, n_jobs=1).fit(X, y)
    assert model.monotone_constraints_ == model.binning_trends_ == {"debt": 1, "lines": 1}
    assert model.freed_constraints_ == {}


def test_the_chosen_settings_and_every_inner_fold_trial_are_recorded(german_gbm) -> None:
    settings = german_gbm.settings_
    assert (settings["num_leaves"], settings["min_child_samples"]) == german_gbm.tree_shape_
    assert german_gbm.tree_shape_ in SHAPES
    assert settings["n_estimators"] == german_gbm.n_estimators_ == german_gbm.booster_.num_trees()
    assert settings["monotone_method"] == "intermediate"
    shapes = {(t["num_leaves"], t["min_child_samples"]) for t in german_gbm.trials_}
    assert shapes == set(SHAPES)
    complete = [t["auc"] for t in german_gbm.trials_ if len(t["fold_aucs"]) == 3]
    assert settings["inner_auc"] in complete
    assert settings["inner_auc"] >= german_gbm.trials_[0]["auc"]


def test_a_shape_that_loses_the_first_inner_fold_is_not_run_on_the_others(
    german_gbm, german
) -> None:
    X, y = german
    model = copy.deepcopy(german_gbm)
    frame = model._lgb_frame(model.clean(X))
    inner = model._inner_folds(frame, y, 3)
    free = (0,) * len(model.features_)
    rival = model._trial(frame, y, inner, SHAPES[0], free)
    unbeatable = dataclasses.replace(rival, fold_aucs=(1.0, 1.0, 1.0))
    raced = model._trial(frame, y, inner, SHAPES[1], free, rival=unbeatable)
    assert len(raced.fold_aucs) == 1 and np.isnan(raced.auc)
    beaten = dataclasses.replace(rival, fold_aucs=(0.5, 0.5, 0.5))
    assert len(model._trial(frame, y, inner, SHAPES[1], free, rival=beaten).fold_aucs) == 3


def test_fixed_tree_parameters_narrow_the_shapes_tried() -> None:
    frame, y = lender_extract(n=600, seed=2)
    model = GBMModel(n_estimators=30, num_leaves=7, n_jobs=1).fit(frame.drop(columns="status"), y)
    tried = {(t["num_leaves"], t["min_child_samples"]) for t in model.trials_}
    assert tried == {(7, children) for _, children in SHAPES}
    assert model.tree_shape_[0] == 7


def test_a_saved_gbm_loads_and_scores_and_explains_the_same(german_gbm, german, tmp_path) -> None:
    X, _ = german
    loaded = load_model(save_model(german_gbm, tmp_path / "gbm"))
    assert (loaded.decision_score(X) == german_gbm.decision_score(X)).all()
    assert np.allclose(loaded.feature_impacts(X.head(50)), german_gbm.feature_impacts(X.head(50)))
    assert loaded.settings_ == german_gbm.settings_


def test_scoring_on_every_core_gives_the_same_scores(german_gbm, german) -> None:
    X, _ = german
    everywhere = copy.deepcopy(german_gbm).set_params(n_jobs=None)
    assert (everywhere.decision_score(X) == german_gbm.decision_score(X)).all()


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
