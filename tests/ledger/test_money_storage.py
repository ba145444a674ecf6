"""Money is stored exactly on every database: integer cents on SQLite, NUMERIC on PostgreSQL.

The issue measured REAL storage on SQLite: a 1e15 amount read back with invented cents and a
23-digit principal changed value. These tests write amounts through the storage layer (the
verbs refuse anything above the max_amount setting) and read them back by every path the code
uses: the ORM, the driver (bulk readers), ``cents_sql`` and SQL sums.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, exc, func, select, update
from sqlalchemy.orm import Session

from fairdebt.cycle.engines import computing
from fairdebt.cycle.indicators import stock_kpis
from fairdebt.cycle.runs import compute_loan_days
from fairdebt.db import cents_sql, dialect_sql, driver_types, make_engine, make_session, upgrade
from fairdebt.errors import InputError
from fairdebt.ledger.borrowers import register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.models import Installment, Loan
from fairdebt.money import CENT, STORAGE_MAX_AMOUNT, parse_amount
from fairdebt.settings import Settings

from .conftest import ACTOR, AT, START, LoanFactory, add_product, make_borrower_in, tx

# Past 2^53 cents (about ¥90 trillion) a double has no cents left; up to the column's limit.
LARGE = ["1000000000000000.00", "999999999999999.99", "123456789012345.67", "9999999999999999.99"]


def _set_credit(session: Session, loan: Loan, amount: Decimal) -> None:
    with tx(session):
        session.execute(update(Loan).where(Loan.id == loan.id).values(credit_amount=amount))
    session.expire_all()


@pytest.mark.parametrize("typed", LARGE)
def test_a_large_amount_reads_back_to_the_cent_by_every_path(
    session: Session, make_loan: LoanFactory, typed: str
) -> None:
    amount = Decimal(typed)
    loan = make_loan()
    _set_credit(session, loan, amount)
    assert session.scalar(select(Loan.credit_amount).where(Loan.id == loan.id)) == amount
    connection = session.connection()
    dialect = connection.dialect.name
    raw = connection.exec_driver_sql(
        dialect_sql(dialect, f"SELECT credit_amount, {cents_sql('credit_amount')} FROM loan")
    ).one()
    assert driver_types(session).amount(raw[0]) == amount
    assert raw[1] == int(amount * 100)


def test_a_sum_past_two_to_the_53_cents_is_exact_in_sql(
    session: Session, make_loan: LoanFactory
) -> None:
    amounts = [Decimal("999999999999999.99"), Decimal("1000000000000000.01"), Decimal("0.01")]
    for amount in amounts:
        _set_credit(session, make_loan(), amount)
    total = sum(amounts, Decimal(0))
    assert session.scalar(select(func.sum(Loan.credit_amount))) == total
    dialect = session.connection().dialect.name
    cents = session.connection().exec_driver_sql(
        dialect_sql(dialect, f"SELECT {cents_sql('SUM(credit_amount)')} FROM loan")
    )
    assert cents.scalar_one() == int(total * 100)


def test_a_23_digit_principal_is_refused_not_changed(
    session: Session, make_loan: LoanFactory
) -> None:
    typed = "12345678901234567890123"
    with pytest.raises(InputError, match="above the largest amount accepted") as raised:
        parse_amount(
            typed, record="loan L-9", field="principal_amount", max_amount=STORAGE_MAX_AMOUNT
        )
    assert f"(got {typed!r})" in str(raised.value)
    loan = make_loan()
    with pytest.raises(exc.StatementError, match="beyond what a money column holds"), tx(session):
        session.execute(update(Loan).where(Loan.id == loan.id).values(credit_amount=Decimal(typed)))


def test_the_max_amount_setting_cannot_pass_what_a_column_holds() -> None:
    assert Settings(max_amount=Decimal("1000000000000000")).max_amount == Decimal("1e15")
    with pytest.raises(ValidationError, match="max_amount"):
        Settings(max_amount=Decimal("1" + "0" * 22))


def test_a_book_past_two_to_the_53_cents_has_its_balance_summed_exactly_by_the_cycle(
    engine: Engine, session: Session, make_loan: LoanFactory, borrower_id: int
) -> None:
    make_loan()  # the product
    principal = Decimal("999999999999.99")
    loans = [LoanIn(f"B-{n}", borrower_id, "P12", principal, 12, START) for n in range(95)]
    with tx(session):
        disburse_many(session, loans=loans, actor=ACTOR, at=AT)
    book = session.scalar(select(func.sum(Loan.principal_amount)))
    assert book == principal * 95 + Decimal("1200.00")
    assert book * 100 > 2**53
    day = START + dt.timedelta(days=1)
    for name in ("duckdb", "native"):
        with computing(engine, name) as compute:
            rows = compute_loan_days(compute, start=day, end=day)
            cents = compute.execute(
                compute.rows("loan_day_check", rows).principal_outstanding.sum().as_table()
            )
            kpis = stock_kpis(compute, compute.rows("loan_day_kpis", rows))
        assert cents.column(0).to_pylist() == [int(book * 100)], name
        # The KPI is a float for display: the nearest double to the exact sum.
        assert kpis["principal_outstanding"] == float(book), name


def test_a_sqlite_database_of_real_amounts_is_migrated_to_cents_without_loss(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0012")
    # A book as an older fairdebt stored it: written by today's verbs, then every money column
    # turned back into REAL yuan, as NUMERIC(18, 2) kept it on SQLite before 0013 (0012 is the
    # journal, which today's verbs post to).
    with make_session(engine) as session, session.begin():
        (borrower,) = register_borrowers(
            session, borrowers=[make_borrower_in()], actor=ACTOR, at=AT
        )
        add_product(session, "P12")
        disburse_many(
            session,
            loans=[
                LoanIn(f"L-{n}", borrower, "P12", Decimal(p), 3, START)
                for n, p in enumerate(PRINCIPALS)
            ],
            actor=ACTOR,
            at=AT,
        )
    with engine.begin() as connection:
        for table, column in (
            ("loan", "principal_amount"),
            ("installment", "interest_due"),
            ("installment", "principal_due"),
            ("borrower", "monthly_income_amount"),
            ("journal_line", "amount"),
        ):
            connection.exec_driver_sql(f"UPDATE {table} SET {column} = {column} / 100.0")
        kinds = set(
            connection.exec_driver_sql(
                "SELECT DISTINCT typeof(principal_amount) FROM loan"
            ).scalars()
        )
        assert "real" in kinds
        before = connection.exec_driver_sql(
            "SELECT id, principal_due, interest_due FROM installment ORDER BY id"
        ).all()
    upgrade(engine)
    with engine.connect() as connection:
        kinds = set(
            connection.exec_driver_sql(
                "SELECT DISTINCT typeof(principal_amount) FROM loan"
            ).scalars()
        )
        assert kinds == {"integer"}
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    with make_session(engine) as session:
        loans = session.scalars(select(Loan.principal_amount).order_by(Loan.id)).all()
        assert loans == [Decimal(p) for p in PRINCIPALS]
        after = session.execute(
            select(Installment.id, Installment.principal_due, Installment.interest_due).order_by(
                Installment.id
            )
        ).all()
    assert [tuple(r) for r in after] == [
        (i, Decimal(repr(p)).quantize(CENT), Decimal(repr(n)).quantize(CENT)) for i, p, n in before
    ]
    engine.dispose()


PRINCIPALS = ["1200.00", "0.10", "999999999999.99", "12.34", "333.33"]
