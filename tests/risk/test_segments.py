"""Segmented scorecards: where a split pays, how rows are assigned, and the regression behind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from fairdebt.risk import Scorecard
from fairdebt.risk.regression import logistic_fit
from fairdebt.risk.report import write_validation_report
from fairdebt.risk.segments import describe_bins


def _book_where_late_payers_differ(
    n: int = 20_000, seed: int = 1
) -> tuple[pd.DataFrame, np.ndarray]:
    """Utilisation raises the risk of clean files and lowers that of late payers (who still
    draw on their lines are the ones still paying), which no single points table can fit."""
    rng = np.random.default_rng(seed)
    late = np.where(rng.random(n) < 0.15, rng.integers(1, 4, n), 0).astype(float)
    utilisation = rng.uniform(0, 1, n)
    age = rng.uniform(20, 70, n)
    log_odds = np.where(late > 0, 2.0 - 4.0 * utilisation, -4.5 + 4.0 * utilisation)
    log_odds += 0.01 * (45 - age)
    y = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return pd.DataFrame({"late_90": late, "utilisation": utilisation, "age": age}), y


def test_a_book_where_late_payers_differ_is_split_on_lateness() -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    assert len(model.segments_) >= 2
    assert all(s.conditions[0][0] == "late_90" for s in model.segments_)
    assert any("late_90 in [0.50" in s.rule for s in model.segments_)
    segment = model.segment_of(X)
    late_segments = set(segment[X["late_90"] > 0])
    clean_segments = set(segment[X["late_90"] == 0])
    assert late_segments.isdisjoint(clean_segments)


def test_a_segmented_scorecard_has_one_points_table_per_segment() -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    columns = ["bin", "count", "event", "event_rate", "woe", "iv", "points"]
    rows = [int(next(iter(t.values()))["count"].sum()) for t in model.segment_tables_]
    assert sum(rows) == len(X)
    for tables in model.segment_tables_:
        assert all(list(table.columns) == columns for table in tables.values())
    # the shared binning table has the whole book's counts and no points
    shared = model.binning_tables_["utilisation"]
    assert "points" not in shared.columns and shared["count"].sum() == len(X)


def test_a_segments_woe_follows_the_books_trend() -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    for feature in model.features_:
        book = model.binning_tables_[feature]
        regular = len(book) - 2
        for tables in model.segment_tables_:
            if feature not in tables:
                continue
            table = tables[feature].iloc[:regular]
            filled = table["count"].to_numpy() > 0
            book_steps = np.sign(np.diff(book["event_rate"].to_numpy()[:regular][filled]))
            woe_steps = np.diff(table["woe"].to_numpy()[filled])
            # where the book's bad rate rises the segment's WOE never rises, and vice versa:
            # no bin earns more points than a bin the whole book found safer
            assert np.all(woe_steps * book_steps <= 1e-12)


def test_segmenting_ranks_better_than_one_table_on_new_rows() -> None:
    X, y = _book_where_late_payers_differ(seed=1)
    X_new, y_new = _book_where_late_payers_differ(seed=2)
    one = Scorecard(segments="none").fit(X, y)
    segmented = Scorecard().fit(X, y)
    auc_one = roc_auc_score(y_new, one.predict_proba(X_new)[:, 1])
    auc_segmented = roc_auc_score(y_new, segmented.predict_proba(X_new)[:, 1])
    assert auc_segmented > auc_one + 0.005


def test_a_small_book_without_interactions_keeps_one_segment() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 1 / (1 + np.exp(-(x - 1.5)))).astype(int)
    model = Scorecard().fit(pd.DataFrame({"score_input": x}), y)
    assert [s.rule for s in model.segments_] == ["all"]
    assert "points" in model.binning_tables_["score_input"].columns


def test_every_row_scores_from_its_own_segments_table() -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    segment = model.segment_of(X.head(200))
    points = model.transform(X.head(200))
    labels = model.bin_labels(X.head(200))
    for row in range(200):
        tables = model.segment_tables_[segment[row]]
        for column, feature in enumerate(model.features_):
            if feature not in tables:
                assert points[row, column] == 0  # a feature this segment does not use
                continue
            table = tables[feature]
            expected = table.loc[table["bin"] == labels[feature].iloc[row], "points"]
            assert points[row, column] == expected.iloc[0]
    score = points.sum(axis=1) + model.base_points_[segment]
    assert (score == model.decision_score(X.head(200))).all()


def test_segments_must_be_auto_or_none() -> None:
    X, y = _book_where_late_payers_differ(n=500)
    with pytest.raises(ValueError, match="segments must be 'auto' or 'none'"):
        Scorecard(segments="tree").fit(X, y)


def test_the_validation_report_lists_the_segments_and_their_points(tmp_path) -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    path = write_validation_report(model, X, y, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert "Scorecard segments" in text and "分段评分卡" in text
    for segment in model.segments_:
        assert segment.rule.split(" in ")[0] in text


@pytest.mark.parametrize("C", [0.05, 1.0, 100.0])
def test_the_newton_regression_matches_scikit_learns(C: float) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5_000, 6))
    y = (rng.random(5_000) < 1 / (1 + np.exp(-(X @ rng.normal(size=6) - 2.0)))).astype(float)
    coef, intercept = logistic_fit(X, y, C=C)
    reference = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    assert np.allclose(coef, reference.coef_[0], atol=1e-5)
    assert intercept == pytest.approx(reference.intercept_[0], abs=1e-5)


def test_a_refit_from_a_previous_solution_reaches_the_same_answer() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3_000, 4))
    y = (rng.random(3_000) < 1 / (1 + np.exp(-(X[:, 0] - 1.0)))).astype(float)
    cold = logistic_fit(X, y)
    warm = logistic_fit(X, y, start=np.append(cold[0] + 0.3, cold[1] - 0.2))
    assert np.allclose(cold[0], warm[0], atol=1e-6) and cold[1] == pytest.approx(warm[1], abs=1e-6)


def test_binning_on_two_processes_gives_the_same_card() -> None:
    X, y = _book_where_late_payers_differ(n=6_000)
    serial = Scorecard().fit(X, y)
    parallel = Scorecard(n_jobs=2).fit(X, y)
    assert [s.rule for s in parallel.segments_] == [s.rule for s in serial.segments_]
    assert (parallel.decision_score(X) == serial.decision_score(X)).all()


def test_a_segment_rule_merges_neighbouring_intervals_and_keeps_special_and_missing() -> None:
    labels = ["(-inf, 0.50)", "[0.50, 1.50)", "[1.50, inf)", "Special", "Missing"]
    assert describe_bins(labels, (1, 2, 3), 3) == "[0.50, inf) | Special"
    assert describe_bins(labels, (0, 4), 3) == "(-inf, 0.50) | Missing"
    # bins that are not neighbours stay apart
    assert describe_bins(labels, (0, 2), 3) == "(-inf, 0.50) | [1.50, inf)"


def test_a_segment_rule_lists_category_groups_as_they_are() -> None:
    labels = ["['rent', 'other']", "['own']", "Special", "Missing"]
    assert describe_bins(labels, (0, 1, 3), 2) == "['rent', 'other'] | ['own'] | Missing"


def test_a_fitted_segment_rule_reads_as_one_interval_per_side() -> None:
    X, y = _book_where_late_payers_differ()
    model = Scorecard().fit(X, y)
    for segment in model.segments_:
        for condition in segment.rule.split("; "):
            regular = [p for p in condition.split(" in ", 1)[1].split(" | ") if p[0] in "[("]
            assert len(regular) <= 1, segment.rule
