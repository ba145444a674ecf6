"""Money as exact Decimal: quantising to the cent and splitting that never loses or invents a cent.

Floats may live inside models and analytics; every amount that is posted, stored or shown to a
borrower passes through :func:`to_money` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from fairdebt.errors import InputError

__all__ = [
    "CENT",
    "ZERO",
    "decimal_of",
    "parse_amount",
    "split_evenly",
    "split_weighted",
    "to_money",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantise to the cent, half up (the convention of Chinese lenders' statements).

    >>> to_money(Decimal("1.005"))
    Decimal('1.01')
    >>> to_money(3)
    Decimal('3.00')
    """
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(
    raw: object, *, record: str, field: str = "amount", allow_zero: bool = False
) -> Decimal:
    """Read an amount from user input, refusing floats' cousins: text, NaN, negatives.

    >>> parse_amount("12.345", record="payment P-1")
    Decimal('12.35')
    >>> parse_amount("-1", record="payment P-1")
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: payment P-1, field amount: must be a positive amount (got '-1')
    """
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InputError(f"must be a number (got {raw!r})", record=record, field=field) from None
    if not value.is_finite():
        raise InputError(f"must be a number (got {raw!r})", record=record, field=field)
    if value < 0 or (value == 0 and not allow_zero):
        kind = "a non-negative" if allow_zero else "a positive"
        raise InputError(f"must be {kind} amount (got {raw!r})", record=record, field=field)
    return to_money(value)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split into equal parts; the rounding remainder goes to the last part, never negative.

    >>> split_evenly(Decimal("100.00"), 3)
    [Decimal('33.33'), Decimal('33.33'), Decimal('33.34')]
    >>> split_evenly(Decimal("0.02"), 4)
    [Decimal('0.00'), Decimal('0.00'), Decimal('0.00'), Decimal('0.02')]
    """
    if parts <= 0:
        raise InputError(f"parts must be positive (got {parts})", field="parts")
    # Rounding the head down keeps the last part >= the others and never below zero.
    each = (to_money(total) / parts).quantize(CENT, rounding=ROUND_DOWN)
    head = [each] * (parts - 1)
    return [*head, to_money(total - sum(head, ZERO))]


def split_weighted(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split in proportion to weights; the remainder goes to the last part, so parts sum to total.

    Every part is non-negative for a non-negative total and non-negative weights.

    >>> split_weighted(Decimal("10.00"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('3.33'), Decimal('3.33'), Decimal('3.34')]
    """
    weight_sum = sum(weights, Decimal(0))
    if not weights or weight_sum <= 0:
        raise InputError("weights must be non-empty and sum to more than zero", field="weights")
    head = [(total * w / weight_sum).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
    return [*head, to_money(total - sum(head, ZERO))]


def decimal_of(cents: int) -> Decimal:
    """Cents as an exact Decimal with two places.

    >>> decimal_of(12345), decimal_of(-5), decimal_of(0)
    (Decimal('123.45'), Decimal('-0.05'), Decimal('0.00'))
    """
    return Decimal(cents).scaleb(-2) if cents else ZERO
