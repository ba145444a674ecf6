"""The tests that decide between a move in time and worse cohorts, and which segments moved."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from fairdebt.explain.cohorts import cohort_against_period, find_cohorts
from fairdebt.explain.mechanism import ALPHA, expected_rates
from fairdebt.explain.segments import did_z

from .books import make_book, shock_start

MONTHS = 8
CRITICAL = stats.norm.isf(ALPHA)


def _with_expectation(scenario: str, seed: int, **book: float) -> pd.DataFrame:
    dues = make_book(scenario, seed, months=MONTHS, **book)  # type: ignore[arg-type]
    reference = dues[dues["disbursed_on"] < pd.Timestamp("2025-03-01")]
    return dues.assign(expected=expected_rates(reference, dues) * dues["principal"])


def test_new_cohorts_worse_than_existing_ones_in_the_same_month_pass_the_cohort_test() -> None:
    dues = _with_expectation("bad_vintage", 1)
    start = shock_start(MONTHS) - pd.DateOffset(months=1)
    z, contrast = cohort_against_period(dues, start, start + pd.DateOffset(months=2))
    assert z > CRITICAL and contrast > 0.3


def _counts(dues: pd.DataFrame) -> pd.DataFrame:
    return dues.assign(expected_count=dues["expected"] / dues["principal"])


def test_the_shocked_province_moves_more_than_the_rest_and_a_product_does_not() -> None:
    dues = _counts(_with_expectation("province_shock", 2))
    cut = shock_start(MONTHS)
    after, before = dues[dues["due_on"] >= cut], dues[dues["due_on"] < cut]
    assert did_z(after, before, (("province", "广东"),)) > 5
    assert did_z(after, before, (("product", "P-6M"),)) < CRITICAL


def test_a_product_that_moved_with_everyone_else_has_no_difference_in_differences() -> None:
    dues = _counts(_with_expectation("macro_shock", 3))
    cut = shock_start(MONTHS)
    after, before = dues[dues["due_on"] >= cut], dues[dues["due_on"] < cut]
    assert abs(did_z(after, before, (("product", "P-6M"),))) < CRITICAL


def test_the_cohort_search_dates_a_surge_of_worse_cohorts_by_its_first_month() -> None:
    dues = _with_expectation("bad_vintage", 4)
    window = find_cohorts(dues, ALPHA)
    surge = shock_start(MONTHS) - pd.DateOffset(months=1)
    assert window is not None and window.significant
    assert window.start == surge and window.end == surge + pd.DateOffset(months=2)
    assert {m for m, _ in window.worse()} == {"2025-04", "2025-05"}


def test_the_cohort_search_finds_no_worse_months_on_a_book_without_a_shock() -> None:
    window = find_cohorts(_with_expectation("none", 5), ALPHA)
    assert window is not None and not window.significant
    assert window.critical > CRITICAL  # Bonferroni over the months searched


def test_a_surge_s_second_month_is_set_against_the_cohorts_outside_the_first() -> None:
    # A weak surge (×1.6, 10 loans a day): 2025-04 alone is no worse than every other month
    # while 2025-05, found worse first, sits among its comparison; against the rest it is.
    window = find_cohorts(_with_expectation("bad_vintage", 3, shock=1.6, loans_per_day=10), ALPHA)
    assert window is not None and window.significant
    assert {m for m, _ in window.worse()} == {"2025-04", "2025-05"}
    assert window.start == pd.Timestamp("2025-04-01")


def test_cohorts_falling_due_in_one_month_only_are_not_searched() -> None:
    dues = _with_expectation("none", 6)
    last = dues["disbursed_on"].dt.to_period("M") == dues["disbursed_on"].max().to_period("M")
    # The last month's cohorts enter collection four times as often: seen in one due month.
    rng = np.random.default_rng(6)
    dues.loc[last, "entered"] = (rng.random(int(last.sum())) < 0.2).astype(int)
    window = find_cohorts(dues, ALPHA)
    assert window is not None and not window.significant
    assert "2025-07" not in {m for m, _ in window.months}
