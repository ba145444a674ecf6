"""Money never loses or invents a cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairdebt.errors import InputError
from fairdebt.money import parse_amount, split_evenly, split_weighted, to_money

cents = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)


@given(total=cents, parts=st.integers(min_value=1, max_value=360))
def test_an_even_split_adds_up_to_the_whole(total: Decimal, parts: int) -> None:
    shares = split_evenly(total, parts)
    assert len(shares) == parts
    assert sum(shares) == to_money(total)
    assert all(share == share.quantize(Decimal("0.01")) for share in shares)
    assert all(share >= 0 for share in shares)


@given(
    total=cents,
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=50),
)
def test_a_weighted_split_adds_up_to_the_whole(total: Decimal, weights: list[int]) -> None:
    shares = split_weighted(total, [Decimal(w) for w in weights])
    assert sum(shares) == to_money(total)
    assert all(share >= 0 for share in shares)


@pytest.mark.parametrize("raw", ["abc", "", "NaN", "Infinity", "1e", None])
def test_a_non_numeric_amount_is_refused_naming_the_record(raw: object) -> None:
    with pytest.raises(InputError, match=r"payment P-9, field amount: must be a number"):
        parse_amount(raw, record="payment P-9")


@pytest.mark.parametrize("raw", ["-0.01", "-100", "0"])
def test_a_negative_or_zero_amount_is_refused(raw: str) -> None:
    with pytest.raises(InputError, match="must be a positive amount"):
        parse_amount(raw, record="payment P-9")


def test_zero_is_accepted_where_allowed() -> None:
    assert parse_amount("0", record="fee", allow_zero=True) == Decimal("0.00")
