"""Money as exact Decimal: quantising to the cent and splitting that never loses or invents a cent.

Floats may live inside models and analytics; every amount that is posted, stored or shown to a
borrower passes through :func:`to_money` first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from fairdebt.errors import InputError

__all__ = [
    "CENT",
    "DEFAULT_MAX_AMOUNT",
    "STORAGE_MAX_AMOUNT",
    "ZERO",
    "cents_of",
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


# The largest amount accepted anywhere money is read (a setting at the edge: max_amount):
# a trillion yuan is beyond any consumer loan, and far inside Numeric(18, 2).
DEFAULT_MAX_AMOUNT = Decimal("1000000000000")
# What a money column holds on every database: NUMERIC(18, 2) on PostgreSQL, the same range as
# integer cents on SQLite (10^18 cents, inside a 64-bit integer). max_amount may not exceed it.
STORAGE_MAX_AMOUNT = Decimal("9999999999999999.99")
_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")


def _refuse(message: str, raw: object, record: str, field: str) -> InputError:
    return InputError(f"{message} (got {str(raw)[:40]!r})", record=record, field=field)


def _read_text(text: str, raw: object, record: str, field: str) -> Decimal:
    """Digits 0-9 and one point, nothing else: full-width (１０００) and other non-ASCII digits,
    exponents (1e3) and separators (1,000) are refused by name, never guessed at."""
    foreign = next((ch for ch in text if ord(ch) > 127), None)
    if foreign is not None:
        name = unicodedata.name(foreign, f"U+{ord(foreign):04X}")
        raise _refuse(
            f"must be written with ASCII digits 0-9 and a point; {foreign!r} is {name}",
            raw,
            record,
            field,
        )
    if text.startswith("-") and _PLAIN.fullmatch(text[1:]):
        raise _refuse("must be a positive amount", raw, record, field)
    if not _PLAIN.fullmatch(text):
        raise _refuse(
            "must be a number written as digits and a point, e.g. 1234.50", raw, record, field
        )
    return Decimal(text)


def parse_amount(
    raw: object,
    *,
    record: str,
    field: str = "amount",
    allow_zero: bool = False,
    max_amount: Decimal = DEFAULT_MAX_AMOUNT,
) -> Decimal:
    """Read an amount in yuan exactly, or refuse it naming the record, the field and the value.

    Never rounds: more than two decimal places is refused as typed (``12.340`` is 12.34 and
    kept). Above ``max_amount`` is refused. Text must be ASCII digits with one optional point
    (docs/decisions/exact-money.md); Decimal and int values are checked the same way.

    >>> parse_amount("12.34", record="payment P-1")
    Decimal('12.34')
    >>> parse_amount("12.345", record="payment P-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: payment P-1, field amount: has more than 2 decimal places; ...
    >>> parse_amount("１０００", record="P-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: P-1, field amount: ...; '１' is FULLWIDTH DIGIT ONE (got '１０００')
    """
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        value = Decimal(raw)
        if not value.is_finite():
            raise _refuse("must be a number", raw, record, field)
        if value < 0:
            raise _refuse("must be a positive amount", raw, record, field)
    else:
        value = _read_text(str(raw).strip(), raw, record, field)
    if value == 0 and not allow_zero:
        raise _refuse("must be a positive amount", raw, record, field)
    if value > max_amount:
        raise _refuse(f"is above the largest amount accepted, {max_amount}", raw, record, field)
    if value != value.quantize(CENT):
        raise _refuse(
            "has more than 2 decimal places; amounts are yuan to the fen, never rounded",
            raw,
            record,
            field,
        )
    return value.quantize(CENT)


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


def cents_of(value: Decimal | int | str | float) -> int:
    """An amount as exact integer cents, as a money column stores it on SQLite.

    A third decimal is rounded half up, as PostgreSQL's NUMERIC(18, 2) rounds it, so both
    databases keep the same figure (amounts that come in are refused before this, see
    :func:`parse_amount`). A float is read by its shortest repr, never its binary expansion.
    Beyond :data:`STORAGE_MAX_AMOUNT` is refused: no database column could hold it.

    >>> cents_of(Decimal("999999999999999.99")), cents_of("0.10"), cents_of(-5), cents_of(1.1)
    (99999999999999999, 10, -500, 110)
    """
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite() or abs(amount) > STORAGE_MAX_AMOUNT:
        raise InputError(
            f"amount {value} is beyond what a money column holds "
            f"(at most {STORAGE_MAX_AMOUNT} in absolute value)",
            field="amount",
        )
    return int(amount.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
