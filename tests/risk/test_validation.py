"""Validation metrics: known answers, agreement with scikit-learn and SciPy, grades and gains."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from fairdebt.errors import InputError
from fairdebt.risk import validation
from fairdebt.risk.validation import (
    auc,
    brier_score,
    calibration_by_grade,
    evaluate,
    expected_calibration_error,
    feature_iv,
    gains_table,
    ks_statistic,
    metrics,
    model_score,
    score_distribution,
    score_from_pd,
)

Y = np.array([0, 0, 0, 1, 0, 1, 1, 0, 1, 1])
PERFECT = np.linspace(0.05, 0.95, 10)[np.argsort(np.argsort(Y, kind="stable"), kind="stable")]


def samples(min_size: int = 2) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """A 0/1 target with both classes and PDs on a coarse grid (so ties happen)."""
    return st.integers(min_size, 60).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 1), min_size=n, max_size=n)
            .filter(lambda v: 0 < sum(v) < len(v))
            .map(np.array),
            st.lists(st.integers(0, 20), min_size=n, max_size=n).map(lambda v: np.array(v) / 20),
        )
    )


def test_a_perfect_ranking_has_auc_gini_and_ks_of_one() -> None:
    result = metrics(Y, PERFECT)
    assert (result["auc"], result["gini"], result["ks"]) == (1.0, 1.0, 1.0)


def test_an_inverted_ranking_has_auc_zero_gini_minus_one_and_ks_one() -> None:
    result = metrics(Y, 1 - PERFECT)
    assert (result["auc"], result["gini"], result["ks"]) == (0.0, -1.0, 1.0)


def test_a_constant_pd_ranks_nothing() -> None:
    result = metrics(Y, np.full(10, 0.5))
    assert (result["auc"], result["gini"], result["ks"]) == (0.5, 0.0, 0.0)
    assert result["brier"] == pytest.approx(0.25)
    assert result["ece"] == pytest.approx(0.0)


def test_a_random_pd_has_auc_near_one_half() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 20_000)
    assert auc(y, rng.random(20_000)) == pytest.approx(0.5, abs=0.02)


def test_metrics_are_json_ready_with_the_cli_keys() -> None:
    result = metrics(Y, PERFECT)
    assert set(result) == {"auc", "ks", "gini", "brier", "ece", "n", "bad_rate"}
    assert json.loads(json.dumps(result)) == result
    assert result["n"] == 10 and result["bad_rate"] == 0.5


@settings(max_examples=40, deadline=None)
@given(samples())
def test_auc_agrees_with_scikit_learn(sample: tuple[np.ndarray, np.ndarray]) -> None:
    y, p = sample
    assert auc(y, p) == pytest.approx(roc_auc_score(y, p))


@settings(max_examples=40, deadline=None)
@given(samples())
def test_ks_agrees_with_scipy_two_sample_test(sample: tuple[np.ndarray, np.ndarray]) -> None:
    y, p = sample
    with warnings.catch_warnings():  # SciPy warns about its p-value; only the statistic counts
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = stats.ks_2samp(p[y == 1], p[y == 0]).statistic
    assert ks_statistic(y, p) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(samples())
def test_brier_agrees_with_scikit_learn(sample: tuple[np.ndarray, np.ndarray]) -> None:
    y, p = sample
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))


@settings(max_examples=40, deadline=None)
@given(samples(), st.integers(1, 15))
def test_ece_matches_its_definition_over_equal_width_bins(
    sample: tuple[np.ndarray, np.ndarray], n_bins: int
) -> None:
    y, p = sample
    expected = 0.0
    for b in range(n_bins):
        upper = p <= (b + 1) / n_bins if b == n_bins - 1 else p < (b + 1) / n_bins
        in_bin = (p >= b / n_bins) & upper
        if in_bin.any():
            expected += in_bin.mean() * abs(y[in_bin].mean() - p[in_bin].mean())
    assert expected_calibration_error(y, p, n_bins) == pytest.approx(expected, abs=1e-9)


def test_ece_counts_a_pd_of_exactly_one_in_the_last_bin() -> None:
    assert expected_calibration_error([1, 1], [1.0, 0.95]) == pytest.approx(0.025)


def test_a_target_given_as_labels_is_refused_with_the_values_seen() -> None:
    with pytest.raises(InputError, match=r"0 \(good\) or 1 \(bad\).*'bad'") as caught:
        metrics(["good", "bad"], [0.1, 0.9])
    assert caught.value.field == "target"


def test_a_sample_with_one_class_is_refused() -> None:
    with pytest.raises(InputError, match="both goods and bads"):
        metrics([0, 0, 0], [0.1, 0.2, 0.3])


def test_a_pd_outside_zero_one_is_refused() -> None:
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        metrics([0, 1], [0.1, 1.5])


def test_calibration_by_grade_flags_the_grade_whose_bad_rate_is_underpredicted() -> None:
    grade_size = 200
    score = np.repeat([700.0, 650.0, 600.0, 550.0], grade_size)
    pd_values = np.repeat([0.05, 0.10, 0.20, 0.30], grade_size)
    rng = np.random.default_rng(3)
    true_rate = np.repeat([0.05, 0.10, 0.45, 0.30], grade_size)  # grade 3 really defaults at 45 %
    y = (rng.random(len(score)) < true_rate).astype(int)
    table = calibration_by_grade(y, pd_values, score, grades=4)
    assert table["grade"].tolist() == [1, 2, 3, 4]
    assert table["flag"].tolist() == ["ok", "ok", "under", "ok"]
    assert table.loc[2, "p_value"] < 1e-6
    assert table["n"].sum() == len(y) and table["bads"].sum() == y.sum()


def test_calibration_by_grade_flags_an_overpredicted_grade_as_over() -> None:
    y = np.r_[np.zeros(195), np.ones(5)]
    table = calibration_by_grade(y, np.full(200, 0.3), np.full(200, 600.0), grades=1)
    assert table["flag"].tolist() == ["over"]


def test_calibration_p_value_is_scipys_binomial_test() -> None:
    y = np.r_[np.ones(12), np.zeros(88)]
    table = calibration_by_grade(y, np.full(100, 0.08), np.full(100, 600.0), grades=1)
    assert table.loc[0, "p_value"] == pytest.approx(stats.binomtest(12, 100, 0.08).pvalue)


def test_tied_scores_stay_in_one_grade() -> None:
    score = np.array([500, 500, 500, 500, 600, 700, 700, 800], dtype=float)
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0])
    table = calibration_by_grade(y, np.full(8, 0.3), score, grades=4)
    assert (table["score_min"].to_numpy()[:-1] > table["score_max"].to_numpy()[1:]).all()
    assert table.loc[table["score_min"] == 500, "n"].item() == 4


def test_gains_table_puts_the_riskiest_band_first_and_captures_every_bad() -> None:
    table = gains_table(Y, -PERFECT, bands=10)  # high PD = low score
    assert table["cum_bads_pct"].iloc[-1] == pytest.approx(1.0)
    assert table["cum_n_pct"].iloc[-1] == pytest.approx(1.0)
    assert table["bad_rate"].iloc[0] == 1.0 and table["lift"].iloc[0] == pytest.approx(2.0)
    assert table["ks"].max() == pytest.approx(ks_statistic(Y, PERFECT))


@settings(max_examples=30, deadline=None)
@given(samples(min_size=4), st.integers(1, 12))
def test_gains_ks_never_exceeds_the_exact_ks(
    sample: tuple[np.ndarray, np.ndarray], bands: int
) -> None:
    y, p = sample
    table = gains_table(y, -p, bands)
    assert table["ks"].abs().max() <= ks_statistic(y, p) + 1e-12
    assert int(table["n"].sum()) == len(y) and int(table["bads"].sum()) == int(y.sum())


def test_score_distribution_counts_every_row_once() -> None:
    score = np.array([400.0, 450, 500, 550, 600, 650, 700])
    y = np.array([1, 1, 0, 1, 0, 0, 0])
    table = score_distribution(score, y, bins=3)
    assert table["n"].sum() == 7 and table["bads"].sum() == 3
    assert table["goods_pct"].sum() == pytest.approx(1.0)
    assert table["score_from"].iloc[0] == 400 and table["score_to"].iloc[-1] == 700


def test_score_from_pd_doubles_the_odds_every_twenty_points() -> None:
    odds = np.array([1.0, 2.0, 4.0])
    points = score_from_pd(1 / (1 + odds))
    assert np.diff(points) == pytest.approx([20.0, 20.0])
    assert points[0] == pytest.approx(600.0)


def test_feature_iv_leaves_out_a_totals_row() -> None:
    table = pd.DataFrame(
        {"bin": ["(-inf, 3)", "[3, inf)", "Missing", "Totals"], "iv": [0.1, 0.2, 0.0, 0.3]}
    )
    assert feature_iv(table) == pytest.approx(0.3)


def test_validation_exports_what_it_names() -> None:
    assert all(hasattr(validation, name) for name in validation.__all__)


class PlainModel:
    """A fitted logistic regression on two numeric columns, with no points of its own."""

    def __init__(self, X: pd.DataFrame, y: np.ndarray) -> None:
        self.regression = LogisticRegression().fit(X, y)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.regression.predict_proba(X))


def test_evaluate_scores_a_model_without_points_by_its_pd() -> None:
    rng = np.random.default_rng(11)
    X = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    y = (rng.random(500) < 1 / (1 + np.exp(-2 * X["a"]))).astype(int)
    model = PlainModel(X, y)
    result = evaluate(model, X, y)
    assert result["auc"] == pytest.approx(roc_auc_score(y, model.predict_proba(X)[:, 1]))
    assert result["auc"] > 0.7
    pd_values = model.predict_proba(X)[:, 1]
    assert stats.spearmanr(model_score(model, X), pd_values).statistic == pytest.approx(-1.0)
