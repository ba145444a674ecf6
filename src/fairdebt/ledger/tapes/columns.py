"""The columns a loan tape may carry and how each value is read, with bounds a typo cannot pass.

A column not in :data:`REQUIRED` or :data:`OPTIONAL` for its kind is refused (a typo such as
``fee_du`` would otherwise load every fee as zero); text longer than its database column
(:data:`LENGTHS`) is refused before PostgreSQL sees it. The readers raise
:class:`~fairdebt.errors.InputError` with what was expected and what came; the row checks of
:mod:`fairdebt.ledger.tapes.checks` place it by file, line and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fairdebt.errors import InputError
from fairdebt.models import Borrower, ContactMethod, Loan, Payment, Product
from fairdebt.money import parse_amount

__all__ = [
    "FIRST_DATE",
    "KINDS",
    "LAST_DATE",
    "LENGTHS",
    "MAX_RATE",
    "OPTIONAL",
    "RATE_PLACES",
    "REQUIRED",
    "TERM",
    "allocation_order",
    "choice",
    "money",
    "money_or_zero",
    "not_after",
    "optional",
    "read_date",
    "read_rate",
    "required",
    "whole",
]

KINDS = ("products", "borrowers", "loans", "schedules", "payments")
REQUIRED: dict[str, tuple[str, ...]] = {
    "products": (
        "code",
        "name",
        "repayment_method",
        "annual_rate",
        "penalty_daily_rate",
        "cost_cap_kind",
        "cost_cap_rate",
    ),
    "borrowers": ("external_id", "name", "timezone"),
    "loans": (
        "external_id",
        "borrower_external_id",
        "product_code",
        "principal_amount",
        "term_months",
        "disbursed_on",
    ),
    "schedules": ("loan_external_id", "seq", "due_on", "principal_due", "interest_due"),
    "payments": ("external_id", "loan_external_id", "amount", "paid_on"),
}
# A column a tape may carry beyond the required ones; any other name is refused (a typo such
# as "fee_du" would otherwise load every fee as zero without a word).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "products": (
        "monthly_fee_rate",
        "grace_days",
        "charge_off_days",
        "allocation_order",
        "overpayment",
        "prepayment_fee_rate",
        "partial_prepayment",
    ),
    "borrowers": (
        "national_id",
        "language",
        "province",
        "city",
        "birth_year",
        "monthly_income_amount",
        "phone",
        "emergency_name",
        "emergency_phone",
        "emergency_relation",
    ),
    "loans": ("annual_rate",),
    "schedules": ("fee_due",),
    "payments": ("channel",),
}
# Text that lands in a String(n) column: longer is an error here, not a database error later.
LENGTHS: dict[str, dict[str, Any]] = {
    "products": {"code": Product.code, "name": Product.name},
    "borrowers": {
        "external_id": Borrower.external_id,
        "name": Borrower.name,
        "language": Borrower.language,
        "timezone": Borrower.timezone,
        "province": Borrower.province,
        "city": Borrower.city,
        "phone": ContactMethod.value,
        "emergency_name": ContactMethod.owner_name,
        "emergency_phone": ContactMethod.value,
        "emergency_relation": ContactMethod.relation,
    },
    "loans": {
        "external_id": Loan.external_id,
        "borrower_external_id": Borrower.external_id,
        "product_code": Product.code,
    },
    "schedules": {"loan_external_id": Loan.external_id},
    "payments": {
        "external_id": Payment.external_id,
        "loan_external_id": Loan.external_id,
        "channel": Payment.channel,
    },
}
# The dates a tape may carry: a year such as 0226 or 9999 is a typo, and a schedule built from
# it would run off the calendar.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
MAX_RATE = Decimal(10)  # 1000 % a year (or a day): anything above is a typo
RATE_PLACES = 8  # the RATE column keeps 8 decimals; more would be rounded by the database


def read_date(raw: str) -> dt.date:
    """YYYY-MM-DD, or a date and time (as Excel and Parquet write), within the ledger's dates."""
    if not raw:
        raise InputError("is required")
    text = raw.strip()
    try:
        when = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"must be a date YYYY-MM-DD (got {raw[:40]!r})") from None
    day = when.date() if isinstance(when, dt.datetime) else when
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(f"{day} is outside {FIRST_DATE} to {LAST_DATE} (a typo?)")
    return day


def not_after(latest: dt.date) -> Callable[[str], dt.date]:
    def parse(raw: str) -> dt.date:
        day = read_date(raw)
        if day > latest:
            raise InputError(f"{day} is in the future (after {latest}); a typo?")
        return day

    return parse


def whole(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not raw:
            raise InputError("is required")
        value = Decimal(raw)
        if not value.is_finite() or value != value.to_integral_value():
            raise InputError(f"must be a whole number (got {raw[:40]!r})")
        if not low <= value <= high:
            raise InputError(f"must be from {low} to {high} (got {raw[:40]!r})")
        return int(value)

    return parse


TERM = whole(1, 600)  # months, and installment numbers


def read_rate(raw: str) -> Decimal:
    if not raw:
        raise InputError("is required")
    value = Decimal(raw)
    if not value.is_finite() or value < 0 or value > MAX_RATE:
        raise InputError(f"must be a rate from 0 to {MAX_RATE} (got {raw[:40]!r})")
    if value != value.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise InputError(f"must have at most {RATE_PLACES} decimal places (got {raw[:40]!r})")
    return value


def choice(values: type[StrEnum], default: str | None = None) -> Callable[[str], str]:
    names = [member.value for member in values]

    def parse(raw: str) -> str:
        value = raw or default or ""
        if value not in names:
            raise InputError(f"must be one of {', '.join(names)} (got {raw[:40]!r})")
        return value

    return parse


def allocation_order(raw: str) -> str:
    parts = [part.strip() for part in (raw or "penalty,fee,interest,principal").split(",")]
    if sorted(parts) != ["fee", "interest", "penalty", "principal"]:
        raise InputError(
            f"must name penalty, fee, interest and principal once each (got {raw[:80]!r})"
        )
    return ",".join(parts)


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda raw: parse(raw) if raw else None


def required(raw: str) -> str:
    if not raw:
        raise InputError("is required")
    return raw


def money(raw: str) -> Decimal:
    return parse_amount(raw, record="", field="")


def money_or_zero(raw: str) -> Decimal:
    return parse_amount(raw or "0", record="", field="", allow_zero=True)
