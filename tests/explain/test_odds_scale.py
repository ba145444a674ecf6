"""A product is judged against the rest on the odds scale: a common shock on the odds of a miss
moves segments at different rates by different ratios, and that is no step of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairdebt.explain.mechanism import _product_steps_on_odds
from fairdebt.explain.segments import SegmentStep, find_steps

from .books import make_book, shock_start

MONTHS = 8
# Products at very different rates (a short tenor, a middle one, a long one), as in the
# simulator; the shock and the drift are shifts of every due's log-odds.
PRODUCT_RISK = {"P-3M": 0.2, "P-6M": 1.0, "P-12M": 4.0}
AGE_RATE = np.array([0, 0.05, 0.04, 0.035, 0.03, 0.03, 0.03])
DIMS = ("province", "product")


def _odds_book(seed: int, *, common: float = 0.0, own: float = 0.0) -> pd.DataFrame:
    """Dues whose log-odds rise by ``common`` from the shock, and P-6M's by ``own`` more."""
    dues = make_book("none", seed, loans_per_day=30, months=MONTHS)
    rate = AGE_RATE[dues["seq"].to_numpy()] * dues["product"].map(PRODUCT_RISK).to_numpy()
    after = (dues["due_on"] >= shock_start(MONTHS)).to_numpy()
    mine = (dues["product"] == "P-6M").to_numpy()
    shift = np.where(after, common + np.where(mine, own, 0.0), 0.0)
    logit = np.log(rate) - np.log1p(-rate) + shift
    drawn = np.random.default_rng(seed + 100).random(len(dues))
    # The reference regime's rate is each due's expectation, as the explainer's would be.
    return dues.assign(entered=(drawn < 1 / (1 + np.exp(-logit))).astype(int), expected_count=rate)


@pytest.mark.parametrize("seed", [2, 3])
def test_a_common_shock_on_the_odds_steps_a_product_on_the_ratio_scale_only(seed: int) -> None:
    dues = _odds_book(seed, common=2.0)
    assert [s.label for s in find_steps(dues, dims=DIMS)] == ["product=P-6M"]
    assert find_steps(dues, dims=DIMS, scale="odds") == []


def test_a_products_own_step_on_the_odds_is_a_step_on_the_odds_scale() -> None:
    dues = _odds_book(2, own=1.0)
    steps = find_steps(dues, dims=DIMS, scale="odds")
    assert [s.label for s in steps] == ["product=P-6M"]
    assert abs((pd.Timestamp(steps[0].on) - shock_start(MONTHS)).days) <= 14


def test_where_the_rest_did_not_move_the_two_scales_agree() -> None:
    dues = make_book("province_shock", 1, loans_per_day=30, months=MONTHS)
    rate = AGE_RATE[dues["seq"].to_numpy()] * np.where(dues["province"] == "四川", 1.3, 1.0)
    dues = dues.assign(expected_count=rate * np.where(dues["product"] == "P-12M", 1.2, 1.0))
    ratio, odds = find_steps(dues, dims=DIMS), find_steps(dues, dims=DIMS, scale="odds")
    assert [s.label for s in ratio][:1] == [s.label for s in odds][:1] == ["province=广东"]
    assert odds[0].on == ratio[0].on


def test_the_explainer_names_a_product_only_when_it_stepped_on_the_odds_scale_too() -> None:
    shocked, drifted = _odds_book(2, common=2.0), _odds_book(2, own=1.0)
    product = find_steps(shocked, dims=DIMS)[0]
    province = SegmentStep("province", "广东", product.on, 30.0, 2.0, 40.0, 0.002)
    # Main named P-6M here; the province's step is not judged again.
    assert _product_steps_on_odds(shocked, [product, province], DIMS) == [province]
    kept = find_steps(drifted, dims=DIMS)
    assert _product_steps_on_odds(drifted, kept, DIMS) == kept
