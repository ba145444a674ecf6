"""Fixtures of the ledger tests: a product, a borrower and a way to disburse loans quickly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.products import create_product
from fairdebt.models import Loan, Product

AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
ACTOR = "test"
START = dt.date(2026, 1, 15)


def make_borrower_in(external_id: str = "B-1", **changes: Any) -> BorrowerIn:
    values: dict[str, Any] = {
        "external_id": external_id,
        "name": "张伟",
        "national_id": "11010519491231002X",
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
        "province": "广东",
        "city": "深圳",
        "birth_year": 1990,
        "monthly_income_amount": Decimal("8000.00"),
        "contacts": (ContactIn("phone", "+8613800000000", "borrower"),),
    }
    values.update(changes)
    return BorrowerIn(**values)


def add_product(session: Session, code: str = "P12", **changes: Any) -> Product:
    values: dict[str, Any] = {
        "code": code,
        "name": "12-month installment",
        "repayment_method": "equal_installment",
        "annual_rate": Decimal("0.18"),
        "monthly_fee_rate": Decimal("0"),
        "penalty_daily_rate": Decimal("0.0005"),
        "cost_cap_kind": "apr",
        "cost_cap_rate": Decimal("0.24"),
        "actor": ACTOR,
        "at": AT,
    }
    values.update(changes)
    return create_product(session, **values)


LoanFactory = Callable[..., Loan]


@contextmanager
def tx(session: Session) -> Iterator[None]:
    """One transaction, like a CLI command's; ends the read-only one a test's reads began."""
    if session.in_transaction():
        session.commit()
    with session.begin():
        yield


@pytest.fixture
def borrower_id(session: Session) -> int:
    with tx(session):
        return register_borrowers(session, borrowers=[make_borrower_in()], actor=ACTOR, at=AT)[0]


@pytest.fixture
def make_loan(session: Session, borrower_id: int) -> LoanFactory:
    """Disburse a loan (creating its product on first use) in its own transaction."""
    counter = iter(range(1, 10_000))

    def make(
        product_code: str = "P12",
        principal: str = "1200.00",
        term_months: int = 3,
        disbursed_on: dt.date = START,
        **product: Any,
    ) -> Loan:
        with tx(session):
            if session.query(Product).filter_by(code=product_code).first() is None:
                add_product(session, product_code, **product)
            loan = disburse(
                session,
                loan=LoanIn(
                    f"L-{next(counter)}",
                    borrower_id,
                    product_code,
                    Decimal(principal),
                    term_months,
                    disbursed_on,
                ),
                actor=ACTOR,
                at=AT,
            )
        return loan

    return make
