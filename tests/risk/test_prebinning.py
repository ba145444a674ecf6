"""The histogram CART pre-binning and weighted rows against optbinning on the raw rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from optbinning import OptimalBinning
from optbinning.binning.prebinning import PreBinning

from fairdebt.risk.prebinning import cart_prebins, histogram, weighted_column
from fairdebt.risk.scorecard import Scorecard

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _column(seed: int, n: int, levels: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, n).astype(float) * 0.5 - 3.0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-0.3 * x - rng.normal(0, 1, n)))).astype(int)
    return x, y


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(200, 5_000),
    levels=st.integers(2, 300),
    share=st.sampled_from([0.01, 0.02, 0.05]),
    most=st.integers(2, 30),
)
# CART cuts this column at -2.0, scikit-learn's "no split" marker, which optbinning filters out
@example(seed=18, n=200, levels=177, share=0.01, most=7)
def test_on_a_column_of_few_values_the_cuts_are_optbinnings_own(seed, n, levels, share, most):
    x, y = _column(seed, n, levels)
    min_bin_size = int(np.ceil(share * n))
    theirs = PreBinning("classification", "cart", most, min_bin_size).fit(x, y).splits
    ours = cart_prebins(histogram(x, y), min_bin_size=min_bin_size, max_bins=most)
    np.testing.assert_allclose(ours, np.sort(theirs), rtol=0, atol=1e-6)


def test_on_a_fine_column_every_cut_lies_between_two_observed_values() -> None:
    rng = np.random.default_rng(3)
    x = rng.lognormal(0, 1, 50_000)
    y = (rng.random(50_000) < 0.05 + 0.1 * (x > 2)).astype(int)
    cuts = cart_prebins(histogram(x, y, levels=200), min_bin_size=500, max_bins=30)
    assert 2 <= len(cuts) <= 29
    assert np.all(np.diff(cuts) > 0)
    values = np.unique(x)
    at = np.searchsorted(values, cuts)  # first observed value at or above each cut
    assert np.all(values[at - 1] < cuts) and np.all(cuts <= values[at])
    # the cut CART needs most, near the step in the bad rate at 2, is found
    assert np.min(np.abs(cuts - 2.0)) < 0.05
    # no pre-bin is smaller than asked
    counts = np.bincount(np.searchsorted(cuts, x, side="right"))
    assert counts.min() >= 500


def test_a_column_with_one_value_or_no_rows_has_no_cuts() -> None:
    y = np.array([0, 1, 0, 1])
    assert cart_prebins(histogram(np.full(4, 7.0), y), min_bin_size=1, max_bins=10).size == 0
    empty = histogram(np.array([]), np.array([]))
    assert cart_prebins(empty, min_bin_size=1, max_bins=10).size == 0


def test_the_scorecard_bins_a_numeric_column_as_optbinning_would_from_the_raw_rows() -> None:
    x, y = _column(11, 4_000, 60)
    x[::50] = np.nan
    frame = pd.DataFrame({"x": x})
    card = Scorecard(segments="none", min_prebin_size=0.02, max_n_prebins=20).fit(frame, y)
    theirs = OptimalBinning(
        name="x", monotonic_trend="auto_heuristic", max_n_prebins=20, min_prebin_size=0.02
    ).fit(x, y)
    np.testing.assert_allclose(card.binnings_["x"].splits, theirs.splits, atol=1e-6)


@SETTINGS
@given(seed=st.integers(0, 10_000), levels=st.sampled_from([20, 300, 5_000]))
def test_weighted_rows_give_the_binning_table_of_the_raw_rows(seed, levels) -> None:
    rng = np.random.default_rng(seed)
    n = 3_000
    x = np.round(rng.lognormal(0, 1, n), 3)
    x[rng.random(n) < 0.05] = np.nan
    x[rng.random(n) < 0.03] = 98.0
    y = (rng.random(n) < 0.05 + 0.2 * (np.nan_to_num(x, nan=5.0) > 2)).astype(int)
    column = weighted_column(x, y, [98.0], min_prebin_size=0.02, max_prebins=20, levels=levels)
    params = {"monotonic_trend": "auto_heuristic", "special_codes": [98.0]}
    weighted = OptimalBinning(name="x", user_splits=column.cuts, **params)
    weighted.fit(column.x, column.y, sample_weight=column.weight)
    raw = OptimalBinning(name="x", user_splits=column.cuts, **params).fit(x, y)
    ours = weighted.binning_table.build(add_totals=False)
    theirs = raw.binning_table.build(add_totals=False)
    assert len(column.x) <= 2 * (min(levels, n) + 2)
    np.testing.assert_array_equal(ours["Bin"], theirs["Bin"])
    for field in ("Count", "Event", "Non-event"):
        np.testing.assert_array_equal(ours[field].astype(int), theirs[field].astype(int))
    np.testing.assert_allclose(ours["WoE"], theirs["WoE"])


def test_a_column_of_one_value_and_missing_is_binned_without_cuts() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 0.2 + 0.2 * (x > 0)).astype(int)
    one = np.where(rng.random(3_000) < 0.5, 5.0, np.nan)
    card = Scorecard().fit(pd.DataFrame({"x": x, "one": one}), y)
    table = card.binning_tables_["one"]
    assert table["bin"].tolist() == ["(-inf, inf)", "Special", "Missing"]
    assert table["count"].tolist() == [int((one == 5.0).sum()), 0, int(np.isnan(one).sum())]


def test_a_declared_special_code_absent_at_fit_scores_neutral_points() -> None:
    rng = np.random.default_rng(1)
    z = rng.integers(0, 10, 3_000).astype(float)
    y = (rng.random(3_000) < 0.1 + 0.03 * z).astype(int)
    card = Scorecard(segments="none", special_codes={"z": [98.0]}).fit(pd.DataFrame({"z": z}), y)
    table = card.binning_tables_["z"]
    special = table[table["bin"] == "Special"].iloc[0]
    assert special["count"] == 0 and special["woe"] == 0.0
    scored = card.transform(pd.DataFrame({"z": [98.0]}))
    assert scored[0, 0] == special["points"]


def test_infinite_values_fall_in_the_outermost_bins_and_every_row_is_counted() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=2_000)
    x[:30], x[30:40] = np.inf, -np.inf
    y = (rng.random(2_000) < 0.2 + 0.2 * (x > 0)).astype(int)
    card = Scorecard(segments="none").fit(pd.DataFrame({"x": x}), y)
    table = card.binning_tables_["x"]
    assert table["count"].sum() == len(x)
    index = card.bin_labels(pd.DataFrame({"x": [np.inf, -np.inf]}))["x"].tolist()
    regular = [b for b in table["bin"] if b not in ("Special", "Missing")]
    assert index == [regular[-1], regular[0]]
