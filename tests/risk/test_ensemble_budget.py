"""The ensemble's time budget: seconds of a whole fit, cheaper learners on a big book."""

from __future__ import annotations

import numpy as np
import pytest

import fairdebt.risk.ensemble as ensemble_module
import fairdebt.risk.extratrees as extratrees_module
import fairdebt.risk.learners as learners_module
from fairdebt.risk import EnsembleModel
from fairdebt.risk.budget import Budget, stratified_sample
from fairdebt.risk.gbm import inner_folds
from fairdebt.risk.tuning import tune_lightgbm

QUICK = {"max_trials": 40, "bags": 5, "steps": 10, "n_jobs": 1}


def test_the_tuned_lightgbm_runs_last_and_its_search_gets_only_the_seconds_left(german) -> None:
    X, y = german
    model = EnsembleModel(learners=("lightgbm", "scorecard"), time_budget=0.0, **QUICK).fit(
        X.iloc[:300], y[:300]
    )
    assert list(model.learner_seconds_) == ["scorecard", "lightgbm"]
    # no seconds left: LightGBM's usual settings only, however high the trial cap
    assert model.settings_["lightgbm"]["trials"] == 1
    assert list(model.weights_) == ["lightgbm", "scorecard"]  # the caller's order is kept
    assert model.fit_seconds_ >= sum(model.learner_seconds_.values()) - 0.05


def test_a_fitted_ensemble_keeps_no_clock(german) -> None:
    X, y = german
    model = EnsembleModel(learners=("logit",), time_budget=5.0, **QUICK).fit(X[:400], y[:400])
    assert "budget" not in model.learners_["logit"].context


def test_tuning_keeps_seconds_for_the_refits_that_follow_it(german) -> None:
    X, y = german
    frame = X.select_dtypes("number")
    folds = inner_folds(y, 3, 0)
    # a reserve of a thousand first trials leaves the study nothing of a minute
    tuned = tune_lightgbm(
        frame, y, folds, time_budget=60.0, max_trials=40, threads=1, reserve_trials=1000.0
    )
    assert len(tuned.trials) == 1


def test_on_a_big_book_the_learners_take_their_cheaper_forms(german, monkeypatch) -> None:
    X, y = german
    # German's 700 rows count as a big book here, and its forests as small
    monkeypatch.setattr(ensemble_module, "BIG_BOOK", 500)
    monkeypatch.setattr(extratrees_module, "BIG_BOOK_TREES", 20)
    monkeypatch.setattr(extratrees_module, "SAMPLE_ROWS", 300)
    monkeypatch.setattr(learners_module, "BIG_BOOK_TREES", 20)
    monkeypatch.setattr(learners_module, "SAMPLE_ROWS", 300)
    model = EnsembleModel(
        learners=("logit", "extratrees", "randomforest", "forest", "gbm"),
        time_budget=60.0,
        **QUICK,
    ).fit(X.iloc[:700], y[:700])
    assert model.settings_["extratrees"]["trees"] == 20
    assert model.settings_["randomforest"]["trees"] == 20
    assert model.settings_["forest"]["trees"] == 20
    assert model.learners_["extratrees"].forest_.max_samples == 300
    logit = model.learners_["logit"]
    assert set(logit.grid_auc_) == set(learners_module.BIG_BOOK_GRID)
    # the GBM's held-out scores are its own search's, not a fresh split's
    gbm = model.learners_["gbm"].model_
    np.testing.assert_allclose(
        model.oof_log_odds_["gbm"].to_numpy(),
        model.learner_platt_["gbm"][0] * gbm.oof_log_odds_ + model.learner_platt_["gbm"][1],
    )
    p = model.predict_proba(X.iloc[700:])[:, 1]
    assert np.all((p > 0) & (p < 1))


def test_a_budget_counts_down_and_never_below_zero() -> None:
    budget = Budget(0.0)
    assert budget.left() == 0.0 and budget.elapsed() >= 0.0


def test_a_stratified_sample_keeps_every_row_of_a_small_book_and_each_class_share() -> None:
    y = np.array([0] * 900 + [1] * 100)
    assert len(stratified_sample(y, 2000, 0)) == 1000
    picked = stratified_sample(y, 200, 3)
    assert len(picked) == 200 and int(y[picked].sum()) == 20
    assert np.all(np.diff(picked) > 0)


def test_a_small_books_forests_grow_1000_trees_and_a_larger_books_300(german, monkeypatch) -> None:
    X, y = german
    forests = ("extratrees", "randomforest")
    # 300 rows, about 90 bads: a small book (the same test makes blend="auto" equal)
    small = EnsembleModel(learners=forests, folds=2, time_budget=60.0, **QUICK).fit(
        X[:300], y[:300]
    )
    assert small.blend_ == "equal"
    assert {small.settings_[name]["trees"] for name in forests} == {1000}
    # the same rows count as a larger book (rarer class above the limit), not a big one
    monkeypatch.setattr(ensemble_module, "SMALL_BOOK_RARE", 50)
    larger = EnsembleModel(learners=forests, folds=2, time_budget=60.0, **QUICK).fit(
        X[:300], y[:300]
    )
    assert larger.blend_ == "hces"
    assert {larger.settings_[name]["trees"] for name in forests} == {300}
    assert not larger.learners_["extratrees"].forest_.bootstrap  # not the big book's form


def test_the_forests_grow_the_trees_asked_for_on_a_small_and_a_big_book(
    german, monkeypatch
) -> None:
    X, y = german
    forests = ("forest", "extratrees", "randomforest")
    small = EnsembleModel(learners=forests, time_budget=60.0, trees=7, **QUICK).fit(
        X[:300], y[:300]
    )
    monkeypatch.setattr(ensemble_module, "BIG_BOOK", 200)  # 300 rows count as a big book here
    big = EnsembleModel(learners=forests, time_budget=60.0, trees=7, **QUICK).fit(X[:300], y[:300])
    assert big.learners_["extratrees"].forest_.bootstrap  # the big book's subbagged form
    for model in (small, big):
        assert {model.settings_[name]["trees"] for name in forests} == {7}


def test_an_ensemble_refuses_forests_of_no_trees(german) -> None:
    X, y = german
    with pytest.raises(ValueError, match="trees must be at least 1"):
        EnsembleModel(learners=("forest",), trees=0, **QUICK).fit(X[:100], y[:100])
