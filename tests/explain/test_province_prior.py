"""A value's thin history is read with the evidence of the values like it (an empirical-Bayes
prior from the other values of its dimension), and a value unlike the others is not called a
step for that difference."""

from __future__ import annotations

import numpy as np
import pytest

from fairdebt.explain import explain_dues, segments
from fairdebt.explain.segments import _prior, find_steps

from .books import make_book
from .test_segments import _with_expectation, reference_factors


def _strength(rates: np.ndarray, seed: int) -> np.ndarray:
    exposure = np.full(len(rates), 200.0)
    entries = np.random.default_rng(seed).poisson(rates * exposure).astype(float)
    return _prior(entries, exposure, ["province"] * len(rates))[0]


def test_values_as_alike_as_the_simulators_provinces_lend_a_strong_prior() -> None:
    alike = _strength(np.full(30, 0.05), 1)
    different = _strength(np.random.default_rng(2).lognormal(np.log(0.05), 0.6, 30), 3)
    assert alike.min() > 4 * different.max()
    # Never a point prior: the others' alikeness counts only as far as their entries show it.
    assert np.isfinite(alike).all()


def test_a_dimension_of_few_values_has_no_prior() -> None:
    assert (_strength(np.full(segments.MIN_VALUES - 1, 0.05), 1) == 0).all()


def test_a_provinces_step_on_a_thin_history_is_named_with_the_other_provinces_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = make_book("province_shock", 6, loans_per_day=10, months=6, provinces=30)
    dues, factors = _with_expectation(book), reference_factors(book)
    [with_prior] = [s for s in find_steps(dues, factors=factors) if s.value == "广东"]
    monkeypatch.setattr(segments, "MIN_VALUES", 10**9)
    [alone] = [s for s in find_steps(dues, factors=factors, alpha=1.0) if s.value == "广东"]
    assert with_prior.significant and not alone.significant
    assert with_prior.on == alone.on  # the prior weighs the step's evidence, not its date


def test_a_province_always_riskier_than_alike_others_is_not_called_a_step() -> None:
    # 四川 is 1.3 times as risky as the nine others throughout; its history is thick.
    book = make_book("bad_vintage", 1, months=8)
    steps = find_steps(_with_expectation(book), factors=reference_factors(book))
    assert [s for s in steps if s.dimension == "province"] == []
    assert explain_dues(book).mechanism == "vintage"


@pytest.mark.parametrize("scenario", ["none", "bad_vintage", "macro_shock"])
def test_provinces_that_really_differ_name_no_province_where_none_stepped(scenario: str) -> None:
    book = make_book(scenario, 2, loans_per_day=10, months=6, provinces=30, spread=0.4)
    steps = find_steps(_with_expectation(book), factors=reference_factors(book))
    assert [s for s in steps if s.dimension == "province"] == []
