"""The step search names the segment whose rate stepped, with its date, and nothing else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairdebt.explain.mechanism import expected_rates
from fairdebt.explain.rates import rake
from fairdebt.explain.segments import (
    MIN_EXPECTED,
    SegmentStep,
    _step_statistics,
    find_steps,
    share_of_change,
)

from .books import make_book, shock_start


def _reference(dues: pd.DataFrame) -> pd.DataFrame:
    span = dues["disbursed_on"].max() - dues["disbursed_on"].min()
    return dues[dues["disbursed_on"] <= dues["disbursed_on"].min() + span / 3]


def _with_expectation(dues: pd.DataFrame) -> pd.DataFrame:
    """Each due's expected entry under the first third of the cohorts (as the explainer does)."""
    return dues.assign(expected_count=expected_rates(_reference(dues), dues))


def reference_factors(dues: pd.DataFrame) -> dict[str, pd.Series]:
    """The reference regime's province and product factors, which the explainer passes on."""
    return rake(_reference(dues), ("seq", "province", "product"))[1]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_shock_in_one_province_is_found_first_with_its_date(seed: int) -> None:
    book = make_book("province_shock", seed, loans_per_day=30)
    steps = find_steps(_with_expectation(book), factors=reference_factors(book))
    assert steps, "the shocked province must be named"
    assert steps[0].label == "province=广东"
    assert abs((pd.Timestamp(steps[0].on) - shock_start(8)).days) <= 14
    assert steps[0].ratio > 2 and steps[0].p_value <= 0.01


@pytest.mark.parametrize("seed", [1, 2])
def test_a_book_where_nothing_changed_names_no_segment(seed: int) -> None:
    dues = _with_expectation(make_book("none", seed, loans_per_day=30))
    assert find_steps(dues) == []


def test_a_shock_every_segment_shares_names_no_segment() -> None:
    dues = _with_expectation(make_book("macro_shock", 3, loans_per_day=30))
    assert find_steps(dues) == []


def test_asked_at_level_one_the_search_ranks_every_segment_but_calls_few_significant() -> None:
    dues = _with_expectation(make_book("province_shock", 4, loans_per_day=6, shock=3.0))
    ranked = find_steps(dues, alpha=1.0)
    top = max(ranked, key=lambda s: s.statistic)
    assert len(ranked) > 3 and top.label == "province=广东"
    assert all(s.significant == (s.p_value <= 0.01) for s in ranked)
    assert not top.significant and find_steps(dues) == []
    shocked = _with_expectation(make_book("province_shock", 1, loans_per_day=30))
    named = [s for s in find_steps(shocked, alpha=1.0) if s.significant]
    assert named and named == find_steps(shocked)


def test_the_search_is_reproducible_for_a_given_seed() -> None:
    dues = _with_expectation(make_book("province_shock", 4, loans_per_day=30))
    assert find_steps(dues, seed=7) == find_steps(dues, seed=7)


def test_a_dimensions_bound_does_not_move_with_the_other_dimensions_searched() -> None:
    """Each dimension draws its null from its own generators: a product's p-value is the same
    whether or not twenty provinces are searched beside it, but for the Bonferroni factor."""
    book = make_book("province_shock", 4, loans_per_day=8, shock=2.0, provinces=20)
    dues, who = _with_expectation(book), reference_factors(book)
    both = find_steps(dues, dims=("province", "product"), alpha=1.0, factors=who)
    alone = {
        s.label: s.p_value for s in find_steps(dues, dims=("product",), alpha=1.0, factors=who)
    }
    products = {s.label: s.p_value for s in both if s.dimension == "product"}
    assert len(products) == 3 and products.keys() == alone.keys()
    assert any(0.05 < p < 0.5 for p in alone.values())
    for label, p in alone.items():
        assert products[label] == pytest.approx(min(1.0, 2 * p))


def test_a_lone_shocked_province_carries_most_of_the_books_change() -> None:
    dues = _with_expectation(make_book("province_shock", 1, loans_per_day=30))
    step = find_steps(dues)[0]
    assert share_of_change(dues, step) > 0.5


def test_a_segment_stepping_a_little_while_the_whole_book_moved_carries_a_small_share() -> None:
    dues = _with_expectation(make_book("macro_shock", 1, loans_per_day=30))
    # A province that stepped 30 entries beyond the rest on the day everyone doubled.
    step = SegmentStep("province", "上海", shock_start(8).date(), 20.0, 1.3, 30.0, 0.005)
    assert share_of_change(dues, step) < 0.2


def test_a_split_leaving_too_few_expected_entries_on_one_side_is_no_step() -> None:
    # Thirty weeks at one unit of exposure a week: no entry in the first three, then one a
    # week (27 entries: the series' own rate is 0.9 an exposure unit).
    observed = np.r_[np.zeros(3), np.ones(27)][None, :]
    statistic, split = _step_statistics(observed, np.ones((1, 30)))
    # The empty first weeks alone are not a side: the earliest split holds 10 expected entries
    # at the series' own rate (0.9 a week: 12 weeks).
    assert statistic[0] > 0 and 0.9 * (split[0] + 1) >= MIN_EXPECTED
    # Thin series: 15 entries in all cannot put 10 on both sides, so there is no step at all.
    thin = np.r_[np.zeros(15), np.ones(15)][None, :]
    assert _step_statistics(thin, np.ones((1, 30)))[0][0] == 0.0


def test_a_steps_statistic_and_date_do_not_depend_on_the_scale_of_its_exposure() -> None:
    # A reference factor that over- or understates a segment's rate rescales its exposure; the
    # likelihood ratio ignores the scale, and so must the splits it may take.
    rng = np.random.default_rng(3)
    exposure = np.full((1, 26), 1.5)
    observed = rng.poisson(np.r_[np.full(9, 0.8), np.full(17, 2.4)])[None, :].astype(float)
    base = _step_statistics(observed, exposure)
    for scale in (0.3, 3.0):
        statistic, split = _step_statistics(observed, exposure * scale)
        assert statistic[0] == pytest.approx(base[0][0]) and split[0] == base[1][0]


def test_a_thinly_priced_segment_may_step_where_its_own_entries_allow() -> None:
    # Seven weeks before a step with 9 entries at 1.3 a week of rate, then 4 a week: priced at
    # a third of its real rate (exposure 0.4 a week) the before side holds 2.8 units, short of
    # MIN_EXPECTED in the exposure's units, yet 10 entries' worth at the segment's own rate.
    observed = np.r_[np.array([1, 2, 1, 1, 2, 1, 1], float), np.full(19, 4.0)][None, :]
    statistic, split = _step_statistics(observed, np.full((1, 26), 0.4))
    assert statistic[0] > 0 and split[0] + 1 <= 8
