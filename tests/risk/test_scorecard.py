"""The scorecard's points: integer, additive, read from the binning table, stable for missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.risk.conftest import lender_extract

from fairdebt.risk import Scorecard, reason_codes
from fairdebt.risk.scorecard import bin_indices

SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ROWS = st.lists(st.integers(0, 999), min_size=1, max_size=20)


@SETTINGS
@given(rows=ROWS)
def test_the_score_is_the_sum_of_the_integer_bin_points(german_scorecard, german, rows) -> None:
    X, _ = german
    sample = X.iloc[rows]
    points = german_scorecard.transform(sample)
    assert points.dtype.kind == "i"
    assert (points.sum(axis=1) == german_scorecard.decision_score(sample)).all()


@SETTINGS
@given(value=st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(np.nan)))
def test_transform_agrees_with_the_binning_table(german_scorecard, german, value) -> None:
    X, _ = german
    column = "credit_amount"
    row = X.iloc[[0]].copy()
    row[column] = row[column].astype(float)
    row.loc[row.index[0], column] = value
    segment = german_scorecard.segment_of(row)[0]
    table = german_scorecard.segment_tables_[segment][column]
    splits = german_scorecard.binnings_[column].splits
    expected_row = (
        len(table) - 1 if np.isnan(value) else int(np.searchsorted(splits, value, "right"))
    )
    got = german_scorecard.transform(row)[0, german_scorecard.features_.index(column)]
    assert got == table["points"].iloc[expected_row]


@SETTINGS
@given(rows=st.lists(st.integers(0, 599), min_size=1, max_size=10))
def test_a_missing_value_scores_the_same_at_fit_and_at_score_time(rows) -> None:
    frame, _y = _EXTRACT
    model = _extract_model()
    missing_at_fit = frame.index[frame["income"].isna()]
    table = model.binning_tables_["income"]
    missing_row = table.loc[table["bin"] == "Missing"].iloc[0]
    assert missing_row["count"] == len(missing_at_fit)
    new = frame.iloc[rows].drop(columns="status").copy()
    new["income"] = np.nan
    column = model.features_.index("income")
    assert (model.transform(new)[:, column] == missing_row["points"]).all()
    seen = model.transform(frame.loc[missing_at_fit].drop(columns="status"))[:, column]
    assert (seen == missing_row["points"]).all()


@SETTINGS
@given(row=st.integers(0, 999))
def test_removing_the_top_reason_raises_the_score_by_its_stated_points(
    german_plain_scorecard, german, row
) -> None:
    # a card without built features: with them, moving one input column can move a built
    # feature too (duration_in_month also moves amount_per_month), so the property is the
    # card's per feature, and a borrower's columns are not always separate features
    german_scorecard = german_plain_scorecard
    X, _ = german
    applicant = X.iloc[[row]].copy()
    reasons = reason_codes(german_scorecard, applicant, k=4)
    if reasons["reason_1"].isna().iloc[0]:
        return  # an applicant in the best bin of every feature has nothing to remove
    code = reasons["reason_1"].iloc[0]
    feature = next(f for f, e in german_scorecard.reasons_.items() if e["code"] == code)
    column = german_scorecard.features_.index(feature)
    # the best points are those of the applicant's own segment; a donor from that segment
    # keeps the applicant in it even when the feature is one the segments are split on
    segments = german_scorecard.segment_of(X)
    segment = segments[row]
    best = german_scorecard.max_points_[feature][segment]
    points = _german_points(german_scorecard, X)[:, column]
    donor = np.flatnonzero((points == best) & (segments == segment))[0]
    improved = applicant.copy()
    improved[feature] = X[feature].iloc[donor]
    gained = german_scorecard.decision_score(improved) - german_scorecard.decision_score(applicant)
    assert gained[0] == reasons["reason_1_points"].iloc[0]


def test_binning_tables_carry_counts_event_rates_woe_iv_and_points(german) -> None:
    X, y = german
    model = Scorecard(segments="none").fit(X, y)
    table = model.binning_tables_["duration_in_month"]
    assert list(table.columns) == ["bin", "count", "event", "event_rate", "woe", "iv", "points"]
    assert table["bin"].iloc[-2:].tolist() == ["Special", "Missing"]
    assert table["count"].sum() == 1000
    assert model.iv_["status_of_existing_checking_account"] > 0.3
    assert [s.rule for s in model.segments_] == ["all"]


def test_german_credit_is_too_small_for_its_noise_to_pass_for_a_segment(
    german_scorecard,
) -> None:
    assert [s.rule for s in german_scorecard.segments_] == ["all"]
    assert "points" in german_scorecard.binning_tables_["duration_in_month"].columns


def test_the_probability_of_bad_is_read_off_the_score_on_the_pdo_scale(
    german_scorecard, german
) -> None:
    X, _ = german
    score = german_scorecard.decision_score(X.head(50))
    p_bad = german_scorecard.predict_proba(X.head(50))[:, 1]
    odds_good = (1 - p_bad) / p_bad
    assert np.allclose(score, 600 + 20 / np.log(2) * np.log(odds_good / 50))


def test_get_feature_names_out_names_the_columns_of_transform(german_scorecard, german) -> None:
    X, _ = german
    names = german_scorecard.get_feature_names_out()
    assert list(names) == list(german_scorecard.binning_tables_)
    try:
        frame = german_scorecard.set_output(transform="pandas").transform(X.head(3))
    finally:
        german_scorecard.set_output(transform="default")
    assert list(frame.columns) == list(names)


def test_every_german_applicants_score_is_the_sum_of_its_points(german_scorecard, german) -> None:
    X, _ = german
    points = _german_points(german_scorecard, X)
    assert (points.sum(axis=1) == german_scorecard.decision_score(X)).all()


_POINTS: dict[int, np.ndarray] = {}


def _german_points(model: Scorecard, X: pd.DataFrame) -> np.ndarray:
    if id(model) not in _POINTS:
        _POINTS[id(model)] = model.transform(X)
    return _POINTS[id(model)]


_EXTRACT = lender_extract()
_MODELS: dict[str, Scorecard] = {}


def _extract_model() -> Scorecard:
    if "m" not in _MODELS:
        frame, y = _EXTRACT
        _MODELS["m"] = Scorecard().fit(frame.drop(columns="status"), y)
    return _MODELS["m"]


@SETTINGS
@given(
    values=st.lists(
        st.one_of(
            st.floats(-1e7, 1e7, allow_nan=False),
            st.sampled_from([np.nan, 96.0, 98.0, 0.0, 0.5, np.inf, -np.inf]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_numeric_bin_lookup_agrees_with_optbinnings_own_transform(values) -> None:
    model = _extract_model()
    series = pd.Series(values, dtype=float)
    numeric = [b for b in model.binnings_.values() if b.dtype == "numerical"]
    assert any(b.special_codes for b in numeric)  # past_due_30 has its 98s
    for binning in numeric:
        theirs = binning.transform(
            series.to_numpy(),
            metric="indices",
            metric_special="empirical",
            metric_missing="empirical",
        )
        theirs = np.asarray(theirs, dtype=np.int64)
        theirs[theirs < 0] = len(binning.splits) + 2
        assert (bin_indices(binning, series) == theirs).all()


def test_auto_penalty_picks_a_grid_value_on_a_small_book_and_one_above_the_row_limit(
    german: tuple[pd.DataFrame, np.ndarray],
) -> None:
    from fairdebt.risk.scorecard import AUTO_C_ROWS, C_GRID

    X, y = german
    small = Scorecard(features="none", C="auto").fit(X, y)
    assert small.C_ in C_GRID
    fixed = Scorecard(features="none", C=0.5).fit(X, y)
    assert fixed.C_ == 0.5
    big = pd.concat([X] * (AUTO_C_ROWS // len(X) + 1), ignore_index=True)
    big_y = np.tile(y, AUTO_C_ROWS // len(X) + 1)
    assert Scorecard(features="none", segments="none", C="auto").fit(big, big_y).C_ == 1.0


def test_the_default_penalty_is_chosen_on_a_small_book_and_one_on_a_larger_one() -> None:
    rng = np.random.default_rng(1)

    def book(bads: int) -> tuple[pd.DataFrame, np.ndarray]:
        y = np.array([0] * 1500 + [1] * bads)
        X = pd.DataFrame({"x": rng.normal(0, 1, len(y)) + y, "z": rng.normal(0, 1, len(y))})
        return X, y

    from fairdebt.risk.scorecard import C_GRID

    small = Scorecard(features="none", segments="none").fit(*book(300))
    assert small.C == "small" and small.C_ in C_GRID
    larger = Scorecard(features="none", segments="none").fit(*book(700))
    assert larger.C_ == 1.0


def test_a_penalty_that_is_not_positive_is_refused(german: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = german
    with pytest.raises(ValueError, match="C must be"):
        Scorecard(C=0.0).fit(X, y)


def test_min_prebin_rows_raises_the_pre_bin_share_of_a_small_book_only() -> None:
    share, most = Scorecard(min_prebin_rows=40)._prebins(800)
    assert share * 800 >= 40 and most <= 0.4 / share
    assert Scorecard(min_prebin_rows=40)._prebins(5_000)[0] == 0.02
    assert Scorecard()._prebins(800)[0] == 0.02
