"""Bad input gets a clear error that names the record and the field, never a traceback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError, RuleViolation, UnknownRecord
from fairdebt.ledger.borrowers import register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.schedules import ScheduleLine
from fairdebt.models import Borrower

from .conftest import ACTOR, AT, START, LoanFactory, make_borrower_in, tx


def _post(session: Session, payment: PaymentIn) -> None:
    with tx(session):
        post_payment(session, payment=payment, actor=ACTOR, at=AT)


def test_negative_zero_or_non_numeric_amounts_are_refused_by_field(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    for amount in ("-5", "abc", "NaN", "0"):
        with pytest.raises(InputError, match=f"got '{amount}'") as error:
            _post(session, PaymentIn("PAY-9", loan.external_id, amount, START))  # type: ignore[arg-type]
        assert (error.value.record, error.value.field) == ("payment PAY-9", "amount")


def test_an_unknown_loan_is_named(session: Session, make_loan: LoanFactory) -> None:
    make_loan()
    with pytest.raises(UnknownRecord, match="L-404") as error:
        _post(session, PaymentIn("PAY-1", "L-404", Decimal(10), START))
    assert error.value.field == "loan_external_id"


def test_a_payment_before_disbursement_is_refused(session: Session, make_loan: LoanFactory) -> None:
    loan = make_loan()
    with pytest.raises(RuleViolation, match="before the loan was disbursed") as error:
        _post(
            session, PaymentIn("PAY-1", loan.external_id, Decimal(10), START - dt.timedelta(days=1))
        )
    assert error.value.field == "paid_on"


def test_a_schedule_that_does_not_sum_to_the_principal_is_refused(
    session: Session, make_loan: LoanFactory, borrower_id: int
) -> None:
    make_loan()  # creates the product
    lines = [
        ScheduleLine(1, dt.date(2026, 2, 15), Decimal("500.00"), Decimal("5"), Decimal(0)),
        ScheduleLine(2, dt.date(2026, 3, 15), Decimal("499.00"), Decimal("5"), Decimal(0)),
    ]
    loan = LoanIn("L-T", borrower_id, "P12", Decimal("1000.00"), 2, START)
    with pytest.raises(InputError, match=r"sums to 999\.00") as error, tx(session):
        disburse_many(session, loans=[loan], schedules={"L-T": lines}, actor=ACTOR, at=AT)
    assert (error.value.record, error.value.field) == ("loan L-T", "principal_due")


def test_an_unknown_time_zone_is_refused_and_nothing_is_written(session: Session) -> None:
    good, bad = make_borrower_in("B-1"), make_borrower_in("B-2", timezone="Asia/Beijing")
    with pytest.raises(InputError, match="Asia/Beijing") as error, tx(session):
        register_borrowers(session, borrowers=[good, bad], actor=ACTOR, at=AT)
    assert (error.value.record, error.value.field) == ("borrower B-2", "timezone")
    assert session.scalars(select(Borrower)).all() == []


def test_national_ids_are_stored_masked_except_the_last_four(session: Session) -> None:
    with tx(session):
        (borrower_id,) = register_borrowers(
            session, borrowers=[make_borrower_in()], actor=ACTOR, at=AT
        )
    borrower = session.get(Borrower, borrower_id)
    assert borrower is not None and borrower.national_id_masked == "*" * 14 + "002X"
