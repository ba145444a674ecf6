"""The ensemble: selection, blend, SHAP reason codes that add up, tuning within its bounds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import fairdebt.cli.risk as risk_cli
from fairdebt.cli import app
from fairdebt.cli.risk import ModelKind
from fairdebt.risk import EnsembleModel, load_model, reason_codes, save_model
from fairdebt.risk.ensemble import blend_weights, fast_auc, select_ensemble
from fairdebt.risk.gbm import inner_folds
from fairdebt.risk.tuning import DEFAULT_TRIAL, tune_lightgbm

# 50 trees a forest, not 300: the forests' AUC on German's held-out rows moves by about 0.01
SMALL = {"time_budget": 5.0, "max_trials": 3, "bags": 5, "steps": 10, "n_jobs": 1, "trees": 50}


@pytest.fixture(scope="module")
def ensemble(german) -> EnsembleModel:
    X, y = german
    return EnsembleModel(**SMALL).fit(X.iloc[:700], y[:700])


def test_weights_are_a_share_of_the_picks_and_the_blend_is_scored(ensemble, german) -> None:
    weights = np.array(list(ensemble.weights_.values()))
    assert set(ensemble.weights_) == set(ensemble.learners)
    assert np.all(weights >= 0) and weights.sum() == pytest.approx(1.0)
    assert set(ensemble.oof_auc_) == {*ensemble.weights_, "ensemble"}
    X, y = german
    p = ensemble.predict_proba(X.iloc[700:])[:, 1]
    assert fast_auc(y[700:], p) > 0.7


def test_contributions_add_up_to_the_ensembles_log_odds(ensemble, german) -> None:
    X, _ = german
    rows = X.iloc[700:760]
    base, contributions = ensemble.contributions(rows)
    p = ensemble.predict_proba(rows)[:, 1]
    np.testing.assert_allclose(base + contributions.sum(axis=1), np.log(p / (1 - p)), atol=1e-8)


@pytest.mark.parametrize("learner", ["logit", "pairs", "extratrees", "forest", "randomforest"])
def test_each_learner_alone_gives_contributions_that_add_up_to_its_log_odds(
    learner: str, german
) -> None:
    X, y = german
    model = EnsembleModel(learners=(learner,), **SMALL).fit(X.iloc[:600], y[:600])
    rows = X.iloc[600:650]
    base, contributions = model.contributions(rows)
    p = model.predict_proba(rows)[:, 1]
    np.testing.assert_allclose(base + contributions.sum(axis=1), np.log(p / (1 - p)), atol=1e-6)
    assert fast_auc(y[600:], model.predict_proba(X.iloc[600:])[:, 1]) > 0.65


def test_the_spline_logit_chooses_its_penalty_on_the_inner_folds(german) -> None:
    X, y = german
    model = EnsembleModel(learners=("logit",), **SMALL).fit(X, y)
    chosen = model.settings_["logit"]
    learner = model.learners_["logit"]
    assert chosen["C"] == max(learner.grid_auc_, key=lambda c: (learner.grid_auc_[c], -c))


def test_reason_codes_name_the_features_that_raised_the_risk_most(ensemble, german) -> None:
    X, _ = german
    rows = X.iloc[700:720]
    _, contributions = ensemble.contributions(rows)
    reasons = reason_codes(ensemble, rows, k=2)
    top = contributions.idxmax(axis=1)
    expected = [ensemble.reasons_[feature]["code"] for feature in top]
    assert reasons["reason_1"].tolist() == expected
    points = contributions.max(axis=1) * ensemble.scale_.factor
    np.testing.assert_allclose(reasons["reason_1_points"], points.round(2), atol=0.01)


def test_an_ensemble_folder_is_saved_and_scores_the_same_when_loaded(
    ensemble, german, tmp_path
) -> None:
    X, _ = german
    folder = save_model(ensemble, tmp_path / "ensemble")
    loaded = load_model(folder)
    np.testing.assert_array_equal(
        loaded.decision_score(X.iloc[:50]), ensemble.decision_score(X.iloc[:50])
    )


def test_selection_gives_no_weight_to_a_learner_that_never_helps() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 3_000)
    signal = y + rng.normal(0, 1.0, 3_000)
    other = y + rng.normal(0, 1.0, 3_000)
    noise = rng.normal(0, 1, 3_000)
    weights = select_ensemble(np.column_stack([signal, other, noise]), y, random_state=1)
    assert weights[2] == 0.0
    assert weights[0] > 0.2 and weights[1] > 0.2  # two views of the signal are averaged


def test_tuning_stops_at_its_trial_cap_and_always_tries_the_usual_settings(german) -> None:
    X, y = german
    frame = X.select_dtypes("number")
    tuned = tune_lightgbm(
        frame, y, inner_folds(y, 3, 0), time_budget=3600.0, max_trials=3, threads=1
    )
    assert len(tuned.trials) == 3
    first = tuned.trials[0]
    assert {k: first[k] for k in DEFAULT_TRIAL} == DEFAULT_TRIAL
    assert np.isfinite(tuned.margins).all() and tuned.trees >= 1


def test_with_no_time_left_tuning_still_runs_the_usual_settings_once(german) -> None:
    X, y = german
    frame = X.select_dtypes("number")
    tuned = tune_lightgbm(frame, y, inner_folds(y, 3, 0), time_budget=0.0, max_trials=40, threads=1)
    assert len(tuned.trials) == 1


def test_an_ensemble_needs_two_rows_of_each_class_for_its_inner_folds() -> None:
    X = pd.DataFrame({"x": np.arange(20.0)})
    y = np.array([1] + [0] * 19)
    with pytest.raises(ValueError, match="at least 2 rows of each class"):
        EnsembleModel(**SMALL).fit(X, y)


def test_cv_with_the_ensemble_prints_the_same_json_as_the_other_models(
    tmp_path: Path, german, monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = german
    made = risk_cli._make_model

    def small(kind: ModelKind, drop: list[str], time_budget: float = 300.0) -> Any:
        # the command's own ensemble and budget, on its two cheapest learners and one thread:
        # what this checks is the command's output, and every learner is fitted by the tests
        # above (all seven took a minute here, most of it threads waiting on each other)
        model = made(kind, drop, time_budget)
        return model.set_params(learners=("logit", "lightgbm"), n_jobs=1)

    monkeypatch.setattr(risk_cli, "_make_model", small)
    data = tmp_path / "german.csv"
    X.iloc[:300].assign(creditability=np.where(y[:300] == 1, "bad", "good")).to_csv(
        data, index=False
    )
    result = CliRunner().invoke(
        app,
        [
            "risk",
            "cv",
            "--data",
            str(data),
            "--target",
            "creditability",
            "--bad",
            "bad",
            "--model",
            "ensemble",
            "--folds",
            "2",
            "--time-budget",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert printed["model"] == "ensemble"
    assert {
        "auc_mean",
        "auc_std",
        "ks_mean",
        "ks_std",
        "folds",
        "seed",
        "n",
        "fit_seconds",
        "seconds",
    } <= set(printed)


def test_on_a_small_book_the_blend_weighs_the_chosen_learners_equally(ensemble) -> None:
    # German's 700 rows hold about 210 bads: at most 500 rows of the rarer class
    assert ensemble.blend_ == "equal"
    chosen = [n for n, w in ensemble.hces_weights_.items() if w > 0]
    assert {n for n, w in ensemble.weights_.items() if w > 0} == set(chosen)
    assert all(ensemble.weights_[n] == pytest.approx(1 / len(chosen)) for n in chosen)


def test_the_blend_follows_hces_on_a_large_book_and_either_blend_can_be_chosen() -> None:
    hces = np.array([0.6, 0.0, 0.3, 0.1])
    many = np.array([0, 1] * 600)
    few = np.array([0] * 1000 + [1] * 400)
    weights, used = blend_weights(hces, many, "auto")
    assert used == "hces" and weights.tolist() == hces.tolist()
    weights, used = blend_weights(hces, few, "auto")
    assert used == "equal" and weights.tolist() == [1 / 3, 0.0, 1 / 3, 1 / 3]
    assert blend_weights(hces, few, "hces")[1] == "hces"
    assert blend_weights(hces, many, "equal")[1] == "equal"
    with pytest.raises(ValueError, match="blend must be one of"):
        blend_weights(hces, many, "stacking")


def test_the_inner_split_runs_once_unless_asked_and_auto_repeats_it_on_small_books_only(
    ensemble,
) -> None:
    from fairdebt.risk.budget import BIG_BOOK
    from fairdebt.risk.ensemble import inner_repeats

    # the default: one split (repeats did not earn their cost on the development folds)
    assert ensemble.repeats_ == 1
    assert inner_repeats(np.array([0] * 1000 + [1] * 500), "auto") == 3
    assert inner_repeats(np.array([0] * 1000 + [1] * 501), "auto") == 1
    assert inner_repeats(np.array([0] * BIG_BOOK + [1] * 400), "auto") == 1
    assert inner_repeats(np.array([0, 1] * 600), 2) == 2
    for wrong in (0, 1.5, "three"):
        with pytest.raises(ValueError, match="repeats must be"):
            inner_repeats(np.array([0, 1] * 10), wrong)  # type: ignore[arg-type]


def test_a_small_book_fitted_with_auto_repeats_averages_three_splits(german) -> None:
    X, y = german
    model = EnsembleModel(learners=("scorecard", "logit"), repeats="auto", **SMALL)
    model.fit(X.iloc[:400], y[:400])
    assert model.repeats_ == 3 and model.oof_log_odds_.shape == (400, 2)
    assert set(model.weights_) == {"scorecard", "logit"}


def test_repeats_share_the_first_split_and_shuffle_the_others() -> None:
    from fairdebt.risk.learners import fresh_folds, repeat_seed

    y = np.array([0, 0, 0, 1] * 50)
    assert repeat_seed(7, 0) == 7
    first, second = fresh_folds(y, 5, 7, 2)
    # repeat 0's fresh split is the one the searching learners used before repeats
    assert all((a[1] == b[1]).all() for a, b in zip(first, inner_folds(y, 5, 8), strict=True))
    assert any(set(a[1]) != set(b[1]) for a, b in zip(first, second, strict=True))


def test_one_repeat_blends_exactly_as_a_single_inner_split_did() -> None:
    from fairdebt.risk.ensemble import _platt

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    raw = {"a": y + rng.normal(0, 1, 400), "b": 50 * (y + rng.normal(0, 2, 400))}
    model = EnsembleModel(bags=5, steps=5)
    model._blend({n: s[None, :] for n, s in raw.items()}, y, ["a", "b"])
    platt = {n: _platt(s, y) for n, s in raw.items()}
    Z = np.column_stack([platt[n][0] * raw[n] + platt[n][1] for n in ("a", "b")])
    hces = select_ensemble(Z, y, bags=5, steps=5, random_state=0)
    assert model.learner_platt_ == platt
    assert list(model.hces_weights_.values()) == hces.tolist()
    assert model.platt_ == _platt(Z @ np.array(list(model.weights_.values())), y)


def test_with_repeats_the_selection_reads_each_rows_scores_averaged_over_the_repeats() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 300)
    scores = {"a": np.stack([y + rng.normal(0, 1, 300) for _ in range(3)])}
    model = EnsembleModel(bags=3, steps=3)
    model._blend(scores, y, ["a"])
    slope, shift = model.learner_platt_["a"]
    averaged = (slope * scores["a"] + shift).mean(axis=0)
    assert np.allclose(model.oof_log_odds_["a"].to_numpy(), averaged)
    assert model.oof_auc_["a"] == fast_auc(y, scores["a"].mean(axis=0))
