"""Fixtures of the agency tests: overdue loans, agencies with staff, and one transaction helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fairdebt.agencies import add_agency, evaluate_agency
from fairdebt.collectors import CollectorIn
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.products import create_product
from fairdebt.models import Agency, Loan

ACTOR = "test"
AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
START = dt.date(2026, 1, 15)  # first due 2026-02-15: M4 (91-120 dpd) on 2026-06-01
TODAY = dt.date(2026, 6, 1)
SCHEDULE = {
    "M2": Decimal("0.15"),
    "M3": Decimal("0.20"),
    "M4": Decimal("0.25"),
    "M5": Decimal("0.30"),
}


@contextmanager
def tx(session: Session) -> Iterator[None]:
    """One transaction, like a CLI command's."""
    if session.in_transaction():
        session.commit()
    with session.begin():
        yield


def staff(code: str) -> CollectorIn:
    return CollectorIn(
        code, code, "outsourced", "agency_call", ("late",), dt.time(9), dt.time(21), 60
    )


@pytest.fixture
def borrowers(session: Session) -> list[int]:
    people = [
        BorrowerIn(
            external_id=f"B-{i}",
            name="张伟",
            national_id=None,
            language="zh-CN",
            timezone="Asia/Shanghai",
            province="广东",
            city="深圳",
            birth_year=1990,
            monthly_income_amount=Decimal("8000.00"),
            contacts=(ContactIn("phone", f"+86138000000{i:02d}", "borrower"),),
        )
        for i in range(1, 13)
    ]
    with tx(session):
        create_product(
            session,
            code="P3",
            name="3-month installment",
            repayment_method="equal_installment",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal("0"),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            actor=ACTOR,
            at=AT,
        )
        return register_borrowers(session, borrowers=people, actor=ACTOR, at=AT)


LoanFactory = Callable[..., Loan]


@pytest.fixture
def loans(session: Session, borrowers: list[int]) -> list[Loan]:
    """One overdue 3-month loan per borrower, L-1 .. L-12 (nothing paid: M4 on TODAY)."""
    with tx(session):
        return [
            disburse(
                session,
                loan=LoanIn(f"L-{i}", b, "P3", Decimal("1200.00"), 3, START),
                actor=ACTOR,
                at=AT,
            )
            for i, b in enumerate(borrowers, start=1)
        ]


AgencyFactory = Callable[..., Agency]


@pytest.fixture
def make_agency(session: Session) -> AgencyFactory:
    """Register an agency with two staff; evaluated (passed) on ``evaluated_on`` unless None."""

    def make(
        name: str, evaluated_on: dt.date | None = dt.date(2026, 1, 10), **changes: Any
    ) -> Agency:
        with tx(session):
            agency = add_agency(
                session,
                name=name,
                legal_name=f"{name} 资产管理有限公司",
                commission=changes.pop("commission", SCHEDULE),
                staff=[staff(f"{name}-01"), staff(f"{name}-02")],
                actor=ACTOR,
                at=AT,
                **changes,
            )
            if evaluated_on is not None:
                evaluate_agency(
                    session,
                    agency=agency,
                    evaluated_on=evaluated_on,
                    failed=(),
                    evaluator="compliance officer 合规官",
                    actor=ACTOR,
                    at=AT,
                )
        return agency

    return make
