"""The mechanism, its segments and its date on synthetic books with a known shock."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fairdebt.errors import InputError
from fairdebt.explain import MECHANISMS, detect_change, explain_dues
from fairdebt.explain.mechanism import cohort_kind

from .books import make_book, shock_start

MONTHS = 8
FROM_ON = shock_start(MONTHS).date()


def _near(day: dt.date, truth: dt.date = FROM_ON) -> bool:
    return abs((day - truth).days) <= 31


@pytest.mark.parametrize("seed", [1, 2])
def test_a_bad_vintage_is_named_vintage_with_its_months_first(seed: int) -> None:
    answer = explain_dues(make_book("bad_vintage", seed, months=MONTHS))
    surge = {
        (pd.Timestamp(FROM_ON) - pd.DateOffset(months=1)).strftime("%Y-%m"),
        FROM_ON.strftime("%Y-%m"),
    }
    assert answer.mechanism == "vintage"
    assert answer.segments[0] in {f"vintage={v}" for v in surge}
    assert _near(answer.change_date, FROM_ON - dt.timedelta(days=31))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_macro_shock_is_a_period_change_with_no_segment(seed: int) -> None:
    answer = explain_dues(make_book("macro_shock", seed, months=MONTHS))
    assert (answer.mechanism, answer.segments) == ("period", [])
    assert _near(answer.change_date)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_province_shock_is_a_period_change_with_the_province_first(seed: int) -> None:
    answer = explain_dues(make_book("province_shock", seed, months=MONTHS))
    assert answer.mechanism == "period"
    assert answer.segments[0] == "province=广东"
    assert _near(answer.change_date)


@pytest.mark.parametrize("seed", [2, 3])
def test_a_product_drifting_months_before_a_macro_shock_is_not_named_its_place(seed: int) -> None:
    answer = explain_dues(make_book("macro_shock", seed, months=MONTHS, drift=True))
    assert (answer.mechanism, answer.segments) == ("period", [])
    assert _near(answer.change_date)


def test_the_province_stepping_with_the_kpi_comes_before_a_product_that_drifted_earlier() -> None:
    answer = explain_dues(make_book("province_shock", 2, months=MONTHS, drift=True))
    assert answer.mechanism == "period"
    assert answer.segments[0] == "province=广东"
    assert _near(answer.change_date)


def test_a_province_shock_too_small_for_the_step_bound_is_not_named_vintage() -> None:
    # 6 loans a day: 广东's step is the search's first but above its 1 % bound, and the
    # same-month cohort test calls the newer cohorts worse; the existing cohorts in 广东 moved.
    answer = explain_dues(make_book("province_shock", 4, months=MONTHS, loans_per_day=6, shock=3.0))
    assert answer.mechanism == "period"
    assert answer.segments[0] == "province=广东"
    assert _near(answer.change_date)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_policy_change_is_named_policy_with_the_new_versions_first(seed: int) -> None:
    answer = explain_dues(make_book("policy_change", seed, months=MONTHS))
    assert answer.mechanism == "policy"
    assert answer.segments[0].startswith("product=") and answer.segments[0].endswith("-G3")
    assert _near(answer.change_date)


def test_the_bridge_adds_up_to_the_change_in_principal_entering_collection() -> None:
    answer = explain_dues(make_book("province_shock", 3, months=MONTHS))
    bridge = answer.bridge
    parts = sum(bridge[m] for m in MECHANISMS)
    assert parts == pytest.approx(bridge["after"] - bridge["before"], rel=1e-9)


def test_the_answer_has_the_issue_s_json_shape() -> None:
    payload = explain_dues(make_book("macro_shock", 4, months=MONTHS)).as_json()
    assert {"metric", "change_date", "change", "mechanism", "segments", "bridge"} <= set(payload)
    assert payload["metric"] == "entry_rate" and payload["mechanism"] in MECHANISMS
    dt.date.fromisoformat(payload["change_date"])
    assert set(MECHANISMS) <= set(payload["bridge"])


def test_an_unknown_metric_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="entry_rate"):
        explain_dues(make_book("macro_shock", 1, months=MONTHS), metric="vibes")


def test_a_step_is_found_inside_its_interval() -> None:
    rng = np.random.default_rng(5)
    dates = pd.Series(pd.date_range("2025-01-01", periods=210, freq="D"))
    den = pd.Series(rng.uniform(800, 1200, 210))
    num = den * np.where(np.arange(210) >= 100, 0.08, 0.04) * rng.uniform(0.9, 1.1, 210)
    change = detect_change(dates, pd.Series(num), den)
    assert change is not None
    week = dt.timedelta(days=7)  # the series is binned by week
    assert change.low - week <= dt.date(2025, 4, 11) <= change.high + week
    assert change.after > change.before


def test_worse_cohorts_on_a_book_without_new_versions_are_vintage_whatever_their_late_excess() -> (
    None
):
    # Seen on a 2,500 x 6-month book: the KPI's change point fell after the surge, the cohort
    # blocks' excesses after it were 0 (no new version) and negative, and "0 > negative" named
    # new terms.
    assert cohort_kind(0.0, -178.4, new_versions=False) == "vintage"


def test_worse_cohorts_carrying_most_excess_on_new_versions_are_new_terms() -> None:
    assert cohort_kind(50.0, 10.0, new_versions=True) == "policy"
    assert cohort_kind(10.0, 50.0, new_versions=True) == "vintage"


def test_worse_cohorts_all_on_new_versions_are_new_terms_whatever_their_late_excess() -> None:
    # Seen on a 2,500 x 6-month policy book: every worse cohort was on a new version, the
    # other-new block was empty (0) and the new versions' excess after the KPI's change
    # negative, and "negative > 0" failing named the cohort month (vintage).
    assert cohort_kind(-4574.0, 0.0, new_versions=True, other_new=False) == "policy"
    assert cohort_kind(-4574.0, 0.0, new_versions=True, other_new=True) == "vintage"


@pytest.mark.parametrize("seed", [3, 4])
def test_a_macro_shock_on_a_short_small_book_is_not_named_the_shock_month_s_cohorts(
    seed: int,
) -> None:
    # 6 months, 10 loans a day: the existing cohorts' period test does not reject the shock
    # (month and age nearly aliased), the same-month cohort test calls the shock month's
    # cohorts worse, and the dual-time fit gives the period more evidence than the cohorts
    # (main: vintage=2025-04).
    answer = explain_dues(make_book("macro_shock", seed, months=6, loans_per_day=10))
    assert (answer.mechanism, answer.segments) == ("period", [])
    assert _near(answer.change_date, shock_start(6).date())


@pytest.mark.parametrize("seed", [1, 2])
def test_a_bad_vintage_on_a_short_small_book_is_still_named_vintage(seed: int) -> None:
    answer = explain_dues(make_book("bad_vintage", seed, months=6, loans_per_day=10))
    surge = {"2025-03", "2025-04"}
    assert answer.mechanism == "vintage"
    assert answer.segments[0] in {f"vintage={v}" for v in surge}
    assert _near(answer.change_date, dt.date(2025, 3, 1))
