"""Each dimension is searched under its own max-T bound, the level split between dimensions:
a province is not held to the bound that three large products set, and a shock everyone
shares still names no province."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest

from fairdebt.explain import explain_dues
from fairdebt.explain.segments import REPLICATES, _series, _step_statistics, find_steps

from .books import make_book, shock_start
from .test_segments import _with_expectation, reference_factors

MONTHS = 6


def _thin_provinces(dues: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every loan outside 广东 moved to one of 30 small provinces, as on the simulator's books:
    most provinces then allow no split, and the products' null maxima are the heavy ones."""
    rng = np.random.default_rng(seed)
    small = rng.choice([f"省{i:02d}" for i in range(30)], int(dues["loan_id"].max()) + 1)
    inside = (dues["province"] == "广东").to_numpy()
    return dues.assign(province=np.where(inside, "广东", small[dues["loan_id"].to_numpy()]))


def _pooled_p(
    dues: pd.DataFrame,
    label: str,
    dims: tuple[str, ...] = ("province", "product"),
    key: int | list[int] = 14,
) -> float:
    """The thirteenth round's bound: the maximum over every segment of every dimension."""
    keys, o, x, _ = _series(dues, dims, "expected_count")
    statistic = _step_statistics(o, x)[0]
    rate = o.sum(axis=1, keepdims=True) / x.sum(axis=1, keepdims=True)
    drawn = np.random.default_rng(key).poisson(np.broadcast_to(rate * x, (REPLICATES, *x.shape)))
    maxima = _step_statistics(drawn.astype(float), x)[0].max(axis=1)
    i = [f"{d}={v}" for d, v in keys].index(label)
    return float((1 + (maxima >= statistic[i]).sum()) / (1 + REPLICATES))


def test_a_provinces_step_passes_its_own_dimensions_bound_where_the_pooled_one_failed() -> None:
    book = _thin_provinces(
        make_book("province_shock", 4, loans_per_day=10, months=MONTHS, shock=2.0), 4
    )
    dues = _with_expectation(book)
    assert _pooled_p(dues, "province=广东") > 0.01
    steps = find_steps(dues, factors=reference_factors(book))
    assert steps and steps[0].label == "province=广东" and steps[0].significant
    assert abs((pd.Timestamp(steps[0].on) - shock_start(MONTHS)).days) <= 14


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_shock_every_province_shares_names_no_province(seed: int) -> None:
    book = make_book("macro_shock", seed, loans_per_day=10, months=MONTHS)
    dues = _thin_provinces(book, seed)
    assert [s for s in find_steps(_with_expectation(dues)) if s.dimension == "province"] == []
    # Whatever the mechanism (the shock month's cohorts are sometimes named on a short book),
    # no province is the change's place.
    assert not any(s.startswith("province=") for s in explain_dues(dues).segments)


def test_with_one_dimension_the_bound_is_the_pooled_max_t() -> None:
    """Products (too few values for a prior) searched alone: each p is the pooled max-T's, drawn
    at each product's own rate from the generator keyed by the seed and the dimension's name."""
    dues = _with_expectation(make_book("province_shock", 4, loans_per_day=10, months=MONTHS))
    steps = find_steps(dues, dims=("product",), alpha=1.0)
    key = [14, zlib.crc32(b"product")]
    assert len(steps) == 3 and all(0.05 < s.p_value < 1 for s in steps)
    for step in steps:
        assert step.p_value == pytest.approx(_pooled_p(dues, step.label, ("product",), key))
