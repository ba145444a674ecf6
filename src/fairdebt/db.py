"""Engines, sessions, migrations and driver-level bulk writes: the edge that speaks to the database.

``make_engine`` tunes SQLite for an embedded, single-writer ledger (WAL, foreign keys on);
``upgrade`` applies the Alembic migrations shipped inside the package. Callers own transactions:
``with make_session(engine) as session, session.begin(): ...``.

The ledger's batch verbs write hundreds of thousands of rows, and SQLAlchemy's per-row
parameter processing costs more than the database itself at that size, so :func:`execute_many`
and the helpers built on it hand plain tuples straight to the driver's ``executemany``, inside
the caller's transaction like every other write. psycopg takes Decimal and date natively. On
SQLite money is integer cents (:class:`fairdebt.models.Money`): bulk writers bind
``driver_types(session).money(cents)``, and SQL that reads money names it ``cents_sql(...)``,
resolved per database by :func:`dialect_sql`. Two adapters, registered when a SQLite engine is
made or first written to (never at import), give dates as ISO text and refuse a Decimal that
reaches the driver unconverted: it would be stored as yuan in a column of cents (see
docs/decisions/bulk-writes.md and docs/decisions/exact-money.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from fairdebt.errors import UnknownRecord
from fairdebt.money import CENT, cents_of, decimal_of

_Model = TypeVar("_Model")

__all__ = [
    "KEYS",
    "NEVER_DAY",
    "DriverTypes",
    "cents_sql",
    "day_number_sql",
    "dialect_sql",
    "driver_types",
    "driver_values",
    "execute_for_keys",
    "execute_many",
    "fetch_for_ids",
    "get_or_raise",
    "insert_keyed",
    "insert_returning_ids",
    "insert_rows",
    "make_engine",
    "make_session",
    "read_ids",
    "register_sqlite_adapters",
    "select_by_keys",
    "stored_instants",
    "update_rows",
    "upgrade",
]

_adapters_registered = False


def _refuse_decimal(value: Decimal) -> Any:
    raise TypeError(
        f"a Decimal ({value}) reached the SQLite driver unconverted; money columns hold integer "
        "cents there: bind driver_types(session).money(cents), or a float for a rate"
    )


def register_sqlite_adapters() -> None:
    """Teach the sqlite3 driver date (as ISO text) and refuse Decimal; idempotent.

    The sqlite3 module keeps one adapter table per process, so this is process-wide, but it
    only changes values that reach the driver unbound: SQLAlchemy binds its own values first,
    so only the tuples of :func:`execute_many` ever meet these adapters. A Decimal there is a
    bug: as a float it would land in a column of integer cents as yuan, a hundredth of its
    value, so it fails loudly instead. Called by :func:`make_engine` for SQLite and, for
    engines made elsewhere, by the first bulk write.
    """
    global _adapters_registered
    if not _adapters_registered:
        sqlite3.register_adapter(Decimal, _refuse_decimal)
        sqlite3.register_adapter(dt.date, dt.date.isoformat)
        _adapters_registered = True


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        register_sqlite_adapters()

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # 64 MB of page cache (default 2 MB): a batch verb touches the B-trees of several
            # tables and their indexes at once, and re-reading evicted pages cost more CPU
            # than the writes themselves at 300 k payments.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.close()

    return engine


def make_session(engine: Engine) -> Session:
    """A session bound to ``engine`` that never expires objects on commit."""
    return sessionmaker(engine, expire_on_commit=False)()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the shipped Alembic migrations up to ``revision`` on ``engine``."""
    from alembic import command
    from alembic.config import Config

    script_location = str(resources.files("fairdebt") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if is_sqlite:
            # A migration that rebuilds a table (SQLite's ALTER, batch mode) drops it while
            # other tables point at it; foreign keys can only be switched off outside a
            # transaction, and are checked in full before the migration commits.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if is_sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if is_sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def execute_many(session: Session, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement written with ``?`` markers for every row, through the driver."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        register_sqlite_adapters()
        marker = "?"
    else:
        marker = "%s"
    sql = dialect_sql(connection.dialect.name, sql)
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql.replace("?", marker), rows)
    finally:
        cursor.close()


KEYS = object()  # marks where execute_for_keys puts the keys among a statement's parameters


def execute_for_keys(
    session: Session,
    sql: str,
    column: str,
    keys: Sequence[Any],
    params: Sequence[Any] = (),
    *,
    chunk: int = 50_000,
) -> None:
    """Run ``sql`` (with ``?`` markers) once per chunk of ``keys``, in the caller's transaction.

    Each ``{keys}`` in ``sql`` becomes a condition that ``column`` is one of the chunk's keys,
    passed as one parameter, as :func:`select_by_keys` does (a JSON array on SQLite, an array
    on PostgreSQL); :data:`KEYS` in ``params`` marks its place among the other parameters. For
    set-based writes over the rows a batch verb has just written (``INSERT ... SELECT``).
    """
    if not keys:
        return
    connection = session.connection()
    is_sqlite = connection.dialect.name == "sqlite"
    sql = dialect_sql(connection.dialect.name, sql)
    if is_sqlite:
        register_sqlite_adapters()
        statement = sql.format(keys=f"{column} IN (SELECT value FROM json_each(?))")
    else:
        statement = sql.format(keys=f"{column} = ANY(?)").replace("?", "%s")
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(keys), chunk):
            part = list(keys[start : start + chunk])
            argument: Any = json.dumps(part) if is_sqlite else part
            cursor.execute(statement, tuple(argument if p is KEYS else p for p in params))
    finally:
        cursor.close()


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT many rows of ``columns`` (plain tuples, in that column order) into ``table``."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    execute_many(session, sql, rows)


def insert_returning_ids(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """INSERT many rows through the driver and return their new ids, in row order.

    SQLite holds the write lock for the whole statement, so an ``executemany`` gets
    consecutive rowids ending at ``last_insert_rowid()``; PostgreSQL returns each row's id
    (psycopg's ``executemany(..., returning=True)``). Instants must already be in their stored
    form (:func:`stored_instants`).
    """
    if not rows:
        return []
    connection = session.connection()
    names = ", ".join(columns)
    cursor: Any
    if connection.dialect.name == "sqlite":
        execute_many(
            session,
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})",
            rows,
        )
        cursor = connection.connection.cursor()
        try:
            last = int(cursor.execute("SELECT last_insert_rowid()").fetchone()[0])
        finally:
            cursor.close()
        return list(range(last - len(rows) + 1, last + 1))
    cursor = connection.connection.cursor()
    try:
        markers = ", ".join("%s" for _ in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({markers}) RETURNING id"
        cursor.executemany(sql, rows, returning=True)
        ids: list[int] = []
        while True:
            ids.append(int(cursor.fetchone()[0]))
            if not cursor.nextset():
                break
    finally:
        cursor.close()
    return ids


def driver_values(series: Any) -> list[Any]:
    """A column as plain Python values for the driver (ints, floats, str, bool), None for
    missing: one numpy conversion and ``tolist``, no per-value pandas calls."""
    import numpy as np
    import pandas as pd

    kind = getattr(series.dtype, "kind", "O")
    if kind in "iub":
        return list(series.to_numpy().tolist())
    values = series.to_numpy(dtype=np.float64 if kind == "f" else object)
    if kind == "f":
        return [None if v != v else v for v in values.tolist()]  # NaN is the one v != v
    values = values.copy()
    values[pd.isna(values)] = None
    return list(values.tolist())


def stored_instants(session: Session, instants: Any) -> list[Any]:
    """Aware instants (a pandas Series or index) as the driver must bind them for a DateTime
    column: UTC text as SQLAlchemy writes it on SQLite, aware datetimes on PostgreSQL; None
    for missing."""
    import pandas as pd

    values = pd.DatetimeIndex(pd.to_datetime(instants, utc=True))
    missing = values.isna()
    if session.connection().dialect.name == "sqlite":
        text = values.strftime("%Y-%m-%d %H:%M:%S.%f")
        return [None if m else t for t, m in zip(text, missing, strict=True)]
    return [None if m else v.to_pydatetime() for v, m in zip(values, missing, strict=True)]


def update_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE ``columns`` of many rows by id; each row is (values..., id)."""
    sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"
    execute_many(session, sql, rows)


def select_by_keys(
    session: Session,
    select_sql: str,
    key: str,
    keys: Sequence[Any],
    *,
    chunk: int = 50_000,
    where: str = "",
    group_by: str = "",
    order_by: str = "",
) -> list[tuple[Any, ...]]:
    """Rows of ``select_sql`` (a SELECT without WHERE) whose ``key`` is one of ``keys``.

    The keys travel as one parameter, a JSON array on SQLite (``json_each``) and an array on
    PostgreSQL (``= ANY``), so a 300 k-key lookup is a few statements, not 60 statements of
    5 000 bound parameters each. Values come back as the driver gives them (on SQLite: float
    or int for numbers, ISO text for dates).
    ``where`` adds conditions (SQL text, no parameters); ``group_by`` groups each chunk (a
    group never spans chunks when ``key`` is among its columns); ``order_by`` orders each
    chunk, so with sorted keys and ``key`` first in ``order_by`` the whole answer is in order.
    """
    connection = session.connection()
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        sql = f"{select_sql} WHERE {key} IN (SELECT value FROM json_each(?))"
    else:
        sql = f"{select_sql} WHERE {key} = ANY(%s)"
    if where:
        sql += f" AND {where}"
    if group_by:
        sql += f" GROUP BY {group_by}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    sql = dialect_sql(connection.dialect.name, sql)
    found: list[tuple[Any, ...]] = []
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(keys), chunk):
            part = list(keys[start : start + chunk])
            argument: Any = json.dumps(part) if is_sqlite else part
            cursor.execute(sql, (argument,))
            found.extend(tuple(row) for row in cursor.fetchall())
    finally:
        cursor.close()
    return found


def read_ids(session: Session, table: str, key: str, keys: Sequence[Any]) -> list[int]:
    """The ids of the rows whose unique ``key`` column holds ``keys``, in that order."""
    rows = select_by_keys(session, f"SELECT {key}, id FROM {table}", key, keys)
    found = {k: int(i) for k, i in rows}
    return [found[k] for k in keys]


def insert_keyed(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    key: str = "external_id",
) -> list[int]:
    """INSERT rows whose ``key`` column is unique, and return their new ids in row order.

    The ids are read back by key in chunks: on SQLite that is several times faster than
    INSERT ... RETURNING through SQLAlchemy's insertmanyvalues for large batches.
    """
    insert_rows(session, table, columns, rows)
    position = list(columns).index(key)
    return read_ids(session, table, key, [row[position] for row in rows])


def get_or_raise(
    session: Session,
    model: type[_Model],
    key: int | str,
    *,
    what: str,
    column: str = "external_id",
    record: str | None = None,
    field: str | None = None,
) -> _Model:
    """The row of ``model`` whose ``column`` (its lender's ``external_id`` unless told, or
    ``"id"``) holds ``key``, or :class:`~fairdebt.errors.UnknownRecord` naming what was asked.

    ``what`` is the noun of the message (``no loan has external id 'L-9'``); ``record`` and
    ``field`` locate it as every input error does (default: ``what key`` and ``column``).
    """
    if column == "id":
        found = session.get(model, key)
    else:
        found = session.scalars(
            select(model).where(getattr(model, column) == key)  # type: ignore[arg-type]
        ).first()
    if found is None:
        name = column.replace("_", " ")
        raise UnknownRecord(
            f"no {what} has {name} {key!r}",
            record=record if record is not None else f"{what} {key}",
            field=field if field is not None else column,
        )
    return found


@dataclass(frozen=True, slots=True)
class DriverTypes:
    """How the session's own driver takes values that skip SQLAlchemy's binding (bulk paths).

    ``money(cents)`` and ``day(date)`` give what SQLAlchemy itself would bind for a money or
    date column on this backend (integer cents on SQLite, an exact Decimal on PostgreSQL),
    without an adapter call per value; ``amount(raw)`` reads a money column fetched through
    the driver back as an exact Decimal and ``bind_amount(decimal)`` is ``money`` for a
    Decimal amount; ``rate(decimal)`` binds a rate (a REAL on SQLite, where its eight places
    are exact after rounding: see docs/decisions/exact-money.md); ``is_sqlite`` is for the few
    statements whose SQL differs.
    """

    is_sqlite: bool
    money: Callable[[int], Any]
    day: Callable[[dt.date], Any]
    amount: Callable[[Any], Decimal]
    bind_amount: Callable[[Decimal], Any]
    rate: Callable[[Decimal], Any]


def _same_day(day: dt.date) -> dt.date:
    return day


def _same_cents(cents: int) -> int:
    return cents


def _amount_of_cents(raw: Any) -> Decimal:
    return decimal_of(int(raw))


def _amount_of_decimal(raw: Any) -> Decimal:
    return Decimal(raw).quantize(CENT)


def _same_amount(amount: Decimal) -> Decimal:
    return amount


_SQLITE_TYPES = DriverTypes(True, _same_cents, dt.date.isoformat, _amount_of_cents, cents_of, float)
_POSTGRES_TYPES = DriverTypes(
    False, decimal_of, _same_day, _amount_of_decimal, _same_amount, _same_amount
)


def driver_types(session: Session) -> DriverTypes:
    """The :class:`DriverTypes` of the session's backend."""
    if session.connection().dialect.name == "sqlite":
        register_sqlite_adapters()
        return _SQLITE_TYPES
    return _POSTGRES_TYPES


def cents_sql(expression: str) -> str:
    """SQL for a money expression (a sum or difference of money columns) as exact integer
    cents on every backend: a marker that :func:`dialect_sql` resolves when the statement
    runs, since the two databases store money differently (cents on SQLite, NUMERIC on
    PostgreSQL) and the ledger's statements are written once, at import.

    >>> cents_sql("a.amount")
    'CENTS[[a.amount]]'
    """
    return f"CENTS[[{expression}]]"


_CENTS = re.compile(r"CENTS\[\[(.*?)\]\]", re.DOTALL)


def dialect_sql(dialect: str, sql: str) -> str:
    """``sql`` with every :func:`cents_sql` marker written for ``dialect``.

    >>> dialect_sql("sqlite", "SELECT CENTS[[SUM(a.amount)]] FROM a")
    'SELECT (SUM(a.amount)) FROM a'
    >>> dialect_sql("postgresql", "SELECT CENTS[[SUM(a.amount)]] FROM a")
    'SELECT CAST(ROUND((SUM(a.amount)) * 100) AS BIGINT) FROM a'
    """
    if "CENTS[[" not in sql:
        return sql
    if dialect == "sqlite":
        return _CENTS.sub(r"(\1)", sql)
    return _CENTS.sub(r"CAST(ROUND((\1) * 100) AS BIGINT)", sql)


# The day number a missing date reads as: far beyond any business date.
NEVER_DAY = 1_000_000
_DAY_NUMBER = {
    "sqlite": "COALESCE(CAST(julianday({0}) - 2440587.5 AS INTEGER), {1})",
    "postgresql": "COALESCE(({0} - DATE '1970-01-01'), {1})",
}


def day_number_sql(dialect: str, expression: str, *, missing: int = NEVER_DAY) -> str:
    """SQL for a date column as its day number (days since 1970-01-01), ``missing`` for NULL:
    computed by the database rather than parsed in Python one value at a time.

    >>> day_number_sql("postgresql", "i.due_on", missing=0)
    "COALESCE((i.due_on - DATE '1970-01-01'), 0)"
    """
    return _DAY_NUMBER[dialect].format(expression, missing)


def fetch_for_ids(
    session: Session, sql: str, ids: Sequence[int], **params: dt.date | int | str
) -> list[Any]:
    """Rows of ``sql`` for a set of ids, on the session's own connection (its transaction).

    ``sql`` is written once for both backends: ``{ids}`` stands for a one-column subquery
    ``loan_id`` holding ``ids`` (``json_each`` on SQLite, ``unnest`` of an array on
    PostgreSQL), ``DAYNUM(column)`` for the column's day number (:func:`day_number_sql`, a
    missing date as :data:`NEVER_DAY`), and ``:name`` for ``params`` (dates bound as each
    driver takes them). The DBAPI cursor is used directly: SQLAlchemy's row objects cost more
    than the fetch itself for the ledger's per-loan queries.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    sql = dialect_sql(dialect, sql)
    sql = re.sub(r"DAYNUM\(([^)]*)\)", lambda m: day_number_sql(dialect, m.group(1)), sql)
    bound: dict[str, Any]
    if dialect == "sqlite":
        sql = sql.format(ids="SELECT value AS loan_id FROM json_each(:ids)")
        bound = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
        bound["ids"] = json.dumps(list(ids))
    else:
        sql = sql.format(ids="SELECT unnest(CAST(:ids AS BIGINT[])) AS loan_id")
        sql = re.sub(r"(?<!:):([a-z_]+)\b", r"%(\1)s", sql)
        bound = {**params, "ids": list(ids)}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, bound)
        rows: list[Any] = cursor.fetchall()
    finally:
        cursor.close()
    return rows
