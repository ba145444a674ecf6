"""The age curve on existing cohorts tells a period shock from a bad vintage (dual time)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairdebt.explain.cohorts import dual_time

from .books import make_book, shock_start

START = shock_start(8)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_macro_shock_moves_the_existing_cohorts_and_leaves_the_new_ones_no_worse(
    seed: int,
) -> None:
    dues = make_book("macro_shock", seed)
    is_new = (dues["disbursed_on"] >= START).to_numpy()
    apc = dual_time(dues, START, START - pd.DateOffset(months=1), is_new)
    # The shock multiplies every rate by 2.2 from START: the existing cohorts show it against
    # their own age curve, and cohorts disbursed after it are no worse at the same age.
    assert apc.period_z > 5 and abs(apc.period - np.log(2.2)) < 0.25
    assert apc.cohort < apc.period / 3 and apc.cohort_z < 2.33


@pytest.mark.parametrize("seed", [1, 2])
def test_a_bad_vintage_leaves_the_existing_cohorts_on_their_age_curve(seed: int) -> None:
    dues = make_book("bad_vintage", seed)
    surge = START - pd.DateOffset(months=1)
    disbursed = dues["disbursed_on"]
    is_new = ((disbursed >= surge) & (disbursed < START + pd.DateOffset(months=1))).to_numpy()
    apc = dual_time(dues, START, surge, is_new)
    # The surge's cohorts are 2.5 times as risky; cohorts before them do not move.
    assert apc.cohort_z > 5 and abs(apc.cohort - np.log(2.5)) < 0.25
    assert apc.period_z < 2.58 and apc.cohort > 3 * apc.period


def test_the_period_standard_error_counts_the_age_curve_fitted_with_the_months() -> None:
    dues = make_book("macro_shock", 1)
    is_new = (dues["disbursed_on"] >= START).to_numpy()
    existing_before = START - pd.DateOffset(months=1)
    apc = dual_time(dues, START, existing_before, is_new)
    # The counts alone (1/O on each side) ignore that months and ages are estimated together
    # on the same cohorts: the fit's own standard error is at least as large.
    existing = (dues["disbursed_on"] < existing_before).to_numpy()
    after = (dues["due_on"] >= START).to_numpy()
    entered = dues["entered"].to_numpy(float)
    counts_se = np.sqrt(1 / entered[existing & after].sum() + 1 / entered[existing & ~after].sum())
    assert apc.period / apc.period_z >= counts_se
