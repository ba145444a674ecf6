"""Fixtures of the cycle tests: the factories module, a small portfolio, and ways to read days.

``factories.py`` is loaded under a name of its own so that it never clashes with another
folder's ``factories`` module.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

from fairdebt.cycle.delinquency import EPOCH
from fairdebt.cycle.engines import computing
from fairdebt.cycle.runs import compute_loan_days
from fairdebt.db import make_engine, upgrade
from fairdebt.models import LoanDay

AT = dt.datetime(2024, 7, 1, 18, 0, tzinfo=dt.UTC)


def _load_factories() -> ModuleType:
    name = "fairdebt_cycle_test_factories"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("factories.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def factories() -> ModuleType:
    return _load_factories()


@pytest.fixture
def portfolio(engine: Engine, factories: ModuleType) -> dict[str, int]:
    """The dozen-loan portfolio of ``factories.make_portfolio`` in the test's database."""
    with engine.begin() as connection:
        loans: dict[str, int] = factories.make_portfolio(connection)
    return loans


def computed(
    engine: Engine, compute: str, start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Rows the cycle would write for ``start..end``, keyed by (loan id, date)."""
    with computing(engine, compute) as engine_in_use:
        rows = compute_loan_days(engine_in_use, start=start, end=end).to_pylist()
    return {(row["loan_id"], EPOCH + dt.timedelta(days=row["business_day"])): row for row in rows}


def stored(engine: Engine) -> list[tuple[Any, ...]]:
    """Every loan_day row as written, in key order, money as exact cents."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(LoanDay).order_by(LoanDay.business_date, LoanDay.loan_id)
        ).all()
    return [
        (
            row.business_date,
            row.loan_id,
            row.status,
            row.overdue_since,
            row.dpd,
            row.delinquent_days,
            row.bucket,
            *(
                round(float(getattr(row, f"{c}_overdue")) * 100)
                for c in ("principal", "interest", "fee", "penalty")
            ),
            round(float(row.principal_outstanding) * 100),
            bool(row.is_held),
        )
        for row in rows
    ]


@pytest.fixture
def days_of() -> Any:
    """``days_of(engine, compute, start, end)``: the rows the cycle would write."""
    return computed


@pytest.fixture
def stored_rows() -> Any:
    """``stored_rows(engine)``: every loan_day row as written."""
    return stored


@pytest.fixture(params=["duckdb", "native"])
def compute(request: pytest.FixtureRequest) -> str:
    """Each compute engine in turn."""
    return str(request.param)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def portfolio_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, dict[str, int]]]:
    """The story portfolio in a migrated database on each backend, shared by a module's tests.

    Read-only tests share it: building a schema per test would cost more than the tests.
    """
    factories = _load_factories()
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('cycle')}/stories.db", None
    else:
        url, drop = _postgres_schema()
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        loans: dict[str, int] = factories.make_portfolio(connection)
    yield engine, loans
    engine.dispose()
    if drop is not None:
        drop()


def _postgres_schema() -> tuple[str, Any]:
    base = os.environ["FAIRDEBT_TEST_POSTGRES_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


@pytest.fixture(scope="module")
def story_days(
    portfolio_db: tuple[Engine, dict[str, int]],
) -> dict[str, dict[tuple[int, dt.date], dict[str, Any]]]:
    """The portfolio's rows from 2024-01-25 to 2024-03-12, by compute engine."""
    engine, _ = portfolio_db
    start, end = dt.date(2024, 1, 25), dt.date(2024, 3, 12)
    return {name: computed(engine, name, start, end) for name in ("duckdb", "native")}
