"""A product is the change's place only when its existing cohorts moved more than the rest's:
a shock everyone shares is no product's own change, even where the rest's own test is short
of its bound."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fairdebt.explain import explain_dues
from fairdebt.explain.cohorts import moved_apart

from .books import make_book, shock_start

MONTHS = 8


def _apart(dues: pd.DataFrame, on: dt.date) -> bool:
    """P-6M's existing cohorts (every cohort disbursed before ``on``) against the rest's."""
    cut = pd.Timestamp(on)
    there = (dues["product"] == "P-6M").to_numpy()
    return moved_apart(dues, there, cut, cut, np.zeros(len(dues), bool))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_products_cohorts_moving_with_everyone_elses_have_not_moved_apart(seed: int) -> None:
    dues = make_book("macro_shock", seed, loans_per_day=40, months=MONTHS)
    assert not _apart(dues, shock_start(MONTHS).date())


def test_a_products_own_move_while_the_rest_stayed_has_moved_apart_and_is_named() -> None:
    dues = make_book("none", 2, loans_per_day=40, months=MONTHS, drift=True)
    assert _apart(dues, (shock_start(MONTHS) - pd.DateOffset(months=2)).date())
    answer = explain_dues(dues)
    assert (answer.mechanism, answer.segments) == ("period", ["product=P-6M"])


def test_a_macro_shock_on_a_short_book_names_no_product_that_moved_with_the_rest() -> None:
    # Main named product=P-6M here: its existing cohorts passed their own test at its step
    # while the whole book's did not pass theirs.
    answer = explain_dues(make_book("macro_shock", 4, loans_per_day=20, months=6))
    assert (answer.mechanism, answer.segments) == ("period", [])
    assert abs((answer.change_date - shock_start(6).date()).days) <= 31
