"""The direct test of new product terms: worse than the same products' earlier versions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdebt.explain import explain_dues
from fairdebt.explain.policy import check_new_terms, family

from .books import make_book, shock_start

MONTHS = 8
START = shock_start(MONTHS)


def _relabel_new_cohorts(dues: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """The same book, its cohorts from the middle month on moved to '-G3' versions (no effect)."""
    new = (dues["disbursed_on"] >= START).to_numpy()
    product = np.where(new, dues["product"] + "-G3", dues["product"])
    return dues.assign(product=product), {p for p in set(product) if p.endswith("-G3")}


def _versions(dues: pd.DataFrame) -> set[str]:
    return {p for p in dues["product"].unique() if str(p).endswith("-G3")}


def test_a_version_belongs_to_the_longest_earlier_code_it_extends() -> None:
    earlier = {"P-12M", "P-1", "P-3M"}
    assert family("P-12M-G3", earlier) == "P-12M"
    assert family("Q-6M", earlier) == "Q-6M"


def test_new_versions_that_raise_the_rate_pass_both_tests() -> None:
    dues = make_book("policy_change", 3, months=MONTHS)
    result = check_new_terms(dues, _versions(dues))
    assert result is not None and result.significant
    assert result.first_sold == START.date()
    assert all(v.endswith("-G3") for v in result.versions)


def test_a_relabelled_launch_with_no_effect_is_not_a_change_of_terms() -> None:
    dues, versions = _relabel_new_cohorts(make_book("none", 3, months=MONTHS))
    result = check_new_terms(dues, versions)
    assert result is not None and not result.significant


def test_a_macro_shock_that_coincides_with_a_launch_is_not_taken_for_new_terms() -> None:
    dues, versions = _relabel_new_cohorts(make_book("macro_shock", 3, months=MONTHS))
    result = check_new_terms(dues, versions)
    assert result is not None and result.z_worse > 0 and not result.significant
    assert explain_dues(dues).mechanism == "period"


def test_a_policy_change_names_the_new_versions_first_dated_at_their_first_sale() -> None:
    dues = make_book("policy_change", 4, months=MONTHS)
    answer = explain_dues(dues)
    assert answer.mechanism == "policy"
    assert answer.segments[0].endswith("-G3")
    assert answer.change_date == START.date()
    assert answer.bridge["policy"] > 0


def test_a_book_without_new_versions_has_nothing_to_test() -> None:
    dues = make_book("macro_shock", 3, months=MONTHS)
    assert check_new_terms(dues, set()) is None
