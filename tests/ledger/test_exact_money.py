"""Money is read exactly or refused by name: no rounding, no full-width digits, an upper bound."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import cents_sql, dialect_sql
from fairdebt.errors import InputError
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.models import Payment
from fairdebt.money import parse_amount

from .conftest import ACTOR, AT, LoanFactory, tx

PAID_ON = dt.date(2026, 2, 15)


def _post(session: Session, loan_external_id: str, amount: Decimal) -> None:
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn("P-1", loan_external_id, amount, PAID_ON),
            actor=ACTOR,
            at=AT,
        )


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12.345", "more than 2 decimal places"),
        ("１０００", "FULLWIDTH DIGIT ONE"),
        ("١٢", "ARABIC-INDIC DIGIT ONE"),
        ("1e3", "digits and a point"),
        ("1,000.00", "digits and a point"),
        ("1000000000000.01", "above the largest amount accepted"),
    ],
)
def test_an_amount_that_is_not_exact_ascii_yuan_within_the_bound_is_refused_as_typed(
    typed: str, says: str
) -> None:
    with pytest.raises(InputError, match=says) as raised:
        parse_amount(typed, record="payment P-1")
    assert f"(got {typed!r})" in str(raised.value)
    assert str(raised.value).startswith("payment P-1, field amount:")


def test_trailing_zeros_are_not_rounding_and_are_kept() -> None:
    assert parse_amount("12.340", record="r") == Decimal("12.34")
    assert parse_amount(" 7 ", record="r") == Decimal("7.00")


def test_a_payment_of_three_decimals_is_refused_not_rounded(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    with pytest.raises(InputError, match=r"more than 2 decimal places.*\(got '412.065'\)"):
        _post(session, loan.external_id, Decimal("412.065"))
    assert session.scalar(select(Payment.id)) is None


def test_the_largest_amount_is_stored_and_read_back_to_the_cent(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _post(session, loan.external_id, Decimal("999999999999.99"))
    stored = session.scalar(select(Payment.amount))
    assert stored == Decimal("999999999999.99")
    dialect = session.connection().dialect.name
    cents = session.scalar(text(dialect_sql(dialect, f"SELECT {cents_sql('amount')} FROM payment")))
    assert cents == 99999999999999


def test_a_full_width_amount_on_the_command_line_is_one_line_naming_the_field(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app,
        [
            "ledger",
            "post-payment",
            "P-9",
            "--database",
            url,
            "--loan",
            loan.external_id,
            "--amount",
            "１０００",
            "--paid-on",
            "2026-02-15",
        ],
    )
    assert result.exit_code == 2
    assert "field amount" in result.stderr and "FULLWIDTH DIGIT ONE" in result.stderr
    assert "Traceback" not in result.stderr
