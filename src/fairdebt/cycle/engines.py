"""Where the cycle's expressions run, and how its rows get in and out: the one engine module.

Everything that depends on a backend lives here and nowhere else: opening an Ibis backend,
reading ledger tables into it, building the date spine, executing an expression to Arrow, and
bulk-writing ``loan_day`` into the SQL database. Two compute engines exist:

* ``duckdb`` (the default): the ledger tables are read once out of the SQL database into Arrow
  and registered in an in-process DuckDB; the expressions run there, vectorised on every core;
* ``native``: the expressions are compiled to the database's own SQL (Ibis' SQLite and
  PostgreSQL backends) and run where the data is.

A third (PySpark) would add one more branch to :func:`open_compute` and the table readers.
Writes go through the caller's SQLAlchemy connection, so they share its transaction: on SQLite,
multi-row ``INSERT`` statements with bound parameters (the fastest honest path measured, see
docs/decisions/cycle-engine.md); on PostgreSQL, ``COPY`` into a temporary table, then one
``INSERT ... SELECT`` that turns day numbers and cents back into dates and decimals. Money
travels as integer cents end to end: SQLite stores it so (:class:`fairdebt.models.Money`), and
PostgreSQL's NUMERIC is read as ``ROUND(x * 100)`` and written as ``cents / 100.0``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Connection, Date, Engine, bindparam, delete, text

from fairdebt.cycle.delinquency import COMPONENTS, LOAN_DAY_COLUMNS, Ledger
from fairdebt.errors import ConfigurationError
from fairdebt.models import LoanDay

__all__ = [
    "ENGINES",
    "LOAN_DAY_COLUMNS_STORED",
    "Compute",
    "computing",
    "day_to_date",
    "delete_loan_days",
    "open_arrow",
    "open_compute",
    "read_late_days",
    "write_loan_days",
]

ENGINES = ("duckdb", "native")
Kind = Literal["int", "date", "money", "text", "bool"]

# What the cycle reads from each ledger table, and how to type it on the way in.
SOURCES: dict[str, dict[str, Kind]] = {
    "loan": {
        "id": "int",
        "product_id": "int",
        "disbursed_on": "date",
        "closed_on": "date",
        "charged_off_on": "date",
        "principal_amount": "money",
    },
    "product": {"id": "int", "grace_days": "int"},
    "installment": {
        "id": "int",
        "loan_id": "int",
        "seq": "int",
        "due_on": "date",
        "principal_due": "money",
        "interest_due": "money",
        "fee_due": "money",
        "penalty_due": "money",
        "created_on": "date",
        "superseded_on": "date",
        "repayment_plan_id": "int",
    },
    "allocation_line": {
        "installment_id": "int",
        "component": "text",
        "amount": "money",
        "effective_on": "date",
    },
    "accrual": {
        "installment_id": "int",
        "component": "text",
        "amount": "money",
        "accrued_on": "date",
    },
    "waiver": {
        "installment_id": "int",
        "component": "text",
        "amount": "money",
        "waived_on": "date",
    },
    "hold": {"loan_id": "int", "kind": "text", "started_on": "date", "ended_on": "date"},
    "repayment_plan": {
        "id": "int",
        "loan_id": "int",
        "starts_on": "date",
        "carried_due_on": "date",
    },
}
# Every stored column of loan_day, for reports and exports.
LOAN_DAY_COLUMNS_STORED: dict[str, Kind] = {
    "business_date": "date",
    "loan_id": "int",
    "status": "text",
    "overdue_since": "date",
    "dpd": "int",
    "delinquent_days": "int",
    "bucket": "text",
    "principal_overdue": "money",
    "interest_overdue": "money",
    "fee_overdue": "money",
    "penalty_overdue": "money",
    "principal_outstanding": "money",
    "is_held": "bool",
    "risk_class": "text",
    "is_restructured": "bool",
}
ARROW: dict[Kind, pa.DataType] = {
    "int": pa.int64(),
    "date": pa.date32(),
    "money": pa.int64(),  # integer cents
    "text": pa.string(),
    "bool": pa.bool_(),
}


@dataclass
class Compute:
    """An open compute engine: Ibis tables for the ledger, a spine builder and an executor."""

    name: str
    backend: Any
    ledger: Ledger
    _tables: dict[str, ir.Table] = field(default_factory=dict)
    _close: Callable[[], None] = lambda: None

    def spine(self, days: Sequence[int]) -> ir.Table:
        """A one-column table ``business_day`` holding the given day numbers."""
        return self.rows("spine", pa.table({"business_day": pa.array(list(days), pa.int64())}))

    def rows(self, name: str, data: pa.Table) -> ir.Table:
        """Arrow rows made into a table of this engine (registered on DuckDB, inline else)."""
        if self.name == "duckdb":
            return self._register(name, data)
        return ibis.memtable(data)

    def table(self, name: str) -> ir.Table:
        """A table read by :func:`open_compute` (for reports: ``loan_day``)."""
        return self._tables[name]

    def execute(self, expr: ir.Table) -> pa.Table:
        """Run ``expr`` on this engine and return its rows as Arrow."""
        result: pa.Table = self.backend.to_pyarrow(expr)
        return result

    def _register(self, name: str, data: pa.Table) -> ir.Table:
        self.backend.con.register(name, data)
        table: ir.Table = self.backend.table(name)
        return table

    def close(self) -> None:
        self._close()


# A date as its day number, computed by the database (C speed) rather than parsed in Python.
_DAYS_SQL = {
    "sqlite": "CAST(julianday({name}) - 2440587.5 AS INTEGER)",
    "postgresql": "({name} - DATE '1970-01-01')",
}


def _select_sql(dialect: str, table: str, columns: dict[str, Kind], where: str = "") -> str:
    # Money is read as exact integer cents: stored so on SQLite, converted by PostgreSQL.
    days = _DAYS_SQL.get(dialect)
    parts = []
    for name, kind in columns.items():
        if kind == "money" and dialect == "sqlite":
            parts.append(name)
        elif kind == "money":
            parts.append(f"CAST(ROUND({name} * 100) AS BIGINT) AS {name}")
        elif kind == "date" and days is not None:
            parts.append(f"{days.format(name=name)} AS {name}")
        else:
            parts.append(name)
    return f"SELECT {', '.join(parts)} FROM {table}{where}"


def _to_arrow(rows: Sequence[Sequence[Any]], columns: dict[str, Kind]) -> pa.Table:
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays = []
    for (_, kind), column in zip(columns.items(), values, strict=True):
        if kind == "date" and any(isinstance(v, int) for v in column):
            arrays.append(pa.array(column, pa.int32()).cast(pa.date32()))
        elif kind == "date" and any(isinstance(v, str) for v in column):
            arrays.append(pa.array(column, pa.string()).cast(pa.date32()))
        elif kind == "bool":  # SQLite stores booleans as 0 and 1
            arrays.append(pa.array([None if v is None else bool(v) for v in column], pa.bool_()))
        else:
            arrays.append(pa.array(column, ARROW[kind]))
    return pa.Table.from_arrays(arrays, names=list(columns))


def read_table(
    connection: Connection,
    table: str,
    columns: dict[str, Kind],
    *,
    dates: Sequence[dt.date] | None = None,
) -> pa.Table:
    """Read columns of one table as Arrow; ``dates`` keeps only those business dates."""
    dialect = connection.dialect.name
    if dates is None:
        # The DBAPI cursor itself: SQLAlchemy's row objects would cost more than the fetch.
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_select_sql(dialect, table, columns))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    else:
        where = " WHERE business_date IN :dates"
        statement = text(_select_sql(dialect, table, columns, where))
        statement = statement.bindparams(bindparam("dates", expanding=True, type_=Date()))
        rows = connection.execute(statement, {"dates": list(dates)}).fetchall()
    return _to_arrow(rows, columns)


# The delinquent rows of closed dates, for the flow KPIs (a small share of loan_day).
LATE_DAY_COLUMNS: dict[str, Kind] = {
    "business_date": "date",
    "loan_id": "int",
    "status": "text",
    "dpd": "int",
    "principal_outstanding": "money",
}


def read_late_days(connection: Connection, until: dt.date) -> pa.Table:
    """The ``loan_day`` rows with dpd > 0 dated on or before ``until``, as Arrow."""
    where = " WHERE dpd > 0 AND business_date <= :until"
    sql = _select_sql(connection.dialect.name, "loan_day", LATE_DAY_COLUMNS, where)
    statement = text(sql).bindparams(bindparam("until", type_=Date()))
    rows = connection.execute(statement, {"until": until}).fetchall()
    return _to_arrow(rows, LATE_DAY_COLUMNS)


def _ledger(tables: dict[str, ir.Table]) -> Ledger:
    return Ledger(**{name: tables[name] for name in SOURCES})


def open_compute(
    engine: Engine,
    name: str,
    *,
    loan_day_dates: Sequence[dt.date] | None = None,
    late_until: dt.date | None = None,
) -> Compute:
    """Open the named compute engine on the ledger held by ``engine``.

    ``loan_day_dates`` also makes those dates of ``loan_day`` available as ``table("loan_day")``;
    ``late_until`` makes its delinquent rows up to that date ``table("loan_day_late")``.
    """
    if name not in ENGINES:
        raise ConfigurationError(f"compute engine must be one of {list(ENGINES)} (got {name!r})")
    if name == "duckdb":
        return _open_duckdb(engine, loan_day_dates, late_until)
    return _open_native(engine, late_until)


def _open_duckdb(
    engine: Engine, loan_day_dates: Sequence[dt.date] | None, late_until: dt.date | None
) -> Compute:
    backend = ibis.duckdb.connect()
    compute = Compute("duckdb", backend, ledger=None)  # type: ignore[arg-type]
    with engine.connect() as connection:
        for table, columns in SOURCES.items():
            compute._tables[table] = compute._register(
                table, read_table(connection, table, columns)
            )
        if loan_day_dates is not None:
            data = read_table(connection, "loan_day", LOAN_DAY_COLUMNS_STORED, dates=loan_day_dates)
            compute._tables["loan_day"] = compute._register("loan_day", data)
        if late_until is not None:
            late = read_late_days(connection, late_until)
            compute._tables["loan_day_late"] = compute._register("loan_day_late", late)
    compute.ledger = _ledger(compute._tables)
    compute._close = backend.disconnect
    return compute


def open_arrow(tables: dict[str, pa.Table]) -> Compute:
    """A DuckDB compute engine over ledger tables already in Arrow (benchmarks, property tests).

    Each table needs at least the columns of :data:`SOURCES` (``loan_day`` optional).
    """
    backend = ibis.duckdb.connect()
    compute = Compute("duckdb", backend, ledger=None)  # type: ignore[arg-type]
    for name, data in tables.items():
        compute._tables[name] = compute._register(name, data)
    compute.ledger = _ledger(compute._tables)
    compute._close = backend.disconnect
    return compute


def _open_native(engine: Engine, late_until: dt.date | None) -> Compute:
    raw = engine.raw_connection()
    driver = raw.driver_connection
    if engine.dialect.name == "sqlite":
        backend = ibis.sqlite.from_connection(driver)  # type: ignore[arg-type]
    elif engine.dialect.name == "postgresql":
        backend = ibis.postgres.from_connection(driver)  # type: ignore[arg-type]
    else:  # pragma: no cover - a new database needs its branch here
        raw.close()
        raise ConfigurationError(
            f"the native engine runs on sqlite or postgresql (got {engine.dialect.name})"
        )
    tables = {name: backend.table(name) for name in [*SOURCES, "loan_day"]}
    if late_until is not None:
        day = tables["loan_day"]
        tables["loan_day_late"] = day.filter(
            day.dpd > 0, day.business_date <= ibis.literal(late_until, "date")
        )
    return Compute("native", backend, _ledger(tables), tables, raw.close)


@contextmanager
def computing(engine: Engine, name: str, **kwargs: Any) -> Iterator[Compute]:
    """:func:`open_compute` as a context manager that always closes the engine."""
    compute = open_compute(engine, name, **kwargs)
    try:
        yield compute
    finally:
        compute.close()


def delete_loan_days(connection: Connection, start: dt.date, end: dt.date) -> int:
    """Delete the ``loan_day`` rows of ``start..end``; returns how many went."""
    result = connection.execute(
        delete(LoanDay).where(LoanDay.business_date >= start, LoanDay.business_date <= end)
    )
    return int(result.rowcount or 0)


def write_loan_days(connection: Connection, rows: pa.Table) -> None:
    """Append computed rows (day numbers, cents) to ``loan_day`` in the caller's transaction."""
    if rows.num_rows == 0:
        return
    if connection.dialect.name == "postgresql":
        _copy_postgres(connection, rows)
    else:
        _insert_many(connection, rows)


_OUT = (
    "business_date",
    "loan_id",
    "status",
    "overdue_since",
    "dpd",
    "delinquent_days",
    "bucket",
    *(f"{c}_overdue" for c in COMPONENTS),
    "principal_outstanding",
    "is_held",
    "risk_class",
    "is_restructured",
)
_MONEY = {f"{c}_overdue" for c in COMPONENTS} | {"principal_outstanding"}
_ROWS_PER_STATEMENT = 100
_ROWS_PER_SLICE = 100_000


def _repeated(column: pa.ChunkedArray, is_day: bool) -> list[Any]:
    # Dates and labels repeat a lot: convert each distinct value once, then index (NumPy).
    encoded = column.combine_chunks().dictionary_encode()
    labels = encoded.dictionary
    if is_day:
        labels = labels.cast(pa.int32()).cast(pa.date32()).cast(pa.string())
    lookup = np.array([*labels.to_pylist(), None], dtype=object)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    result: list[Any] = lookup[indices].tolist()
    return result


def _python_columns(rows: pa.Table) -> list[list[Any]]:
    columns: list[list[Any]] = []
    for out, source in zip(_OUT, LOAN_DAY_COLUMNS, strict=True):
        column = rows.column(source)
        if source in ("business_day", "overdue_since_day"):
            columns.append(_repeated(column, is_day=True))
        elif out in _MONEY:
            # SQLite stores money as integer cents, as the cycle computes it.
            columns.append(np.asarray(column.to_numpy()).tolist())
        elif column.type == pa.string():
            columns.append(_repeated(column, is_day=False))
        else:
            columns.append(np.asarray(column.to_numpy()).tolist())
    return columns


def _insert_many(connection: Connection, rows: pa.Table) -> None:
    # Python objects for a slice at a time: a whole range as tuples would not fit in memory.
    for offset in range(0, rows.num_rows, _ROWS_PER_SLICE):
        _insert_slice(connection, rows.slice(offset, _ROWS_PER_SLICE))


def _insert_slice(connection: Connection, rows: pa.Table) -> None:
    # One statement per row pays SQLite's per-statement cost every row; 100 rows per statement
    # is ~1.8x faster (benchmarks/cycle.py). Parameters stay bound: no values in SQL text.
    width = len(_OUT)
    columns = _python_columns(rows)
    flat = list(itertools.chain.from_iterable(zip(*columns, strict=True)))
    one = "(" + ",".join("?" * width) + ")"
    head = f"INSERT INTO loan_day ({', '.join(_OUT)}) VALUES "
    step = width * _ROWS_PER_STATEMENT
    full = (len(flat) // step) * step
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if full:
            cursor.executemany(
                head + ",".join([one] * _ROWS_PER_STATEMENT),
                (flat[i : i + step] for i in range(0, full, step)),
            )
        rest = flat[full:]
        if rest:
            cursor.executemany(
                head + one, (rest[i : i + width] for i in range(0, len(rest), width))
            )
    finally:
        cursor.close()


def _copy_postgres(connection: Connection, rows: pa.Table) -> None:
    load = rows.select(list(LOAN_DAY_COLUMNS))
    buffer = io.BytesIO()
    pacsv.write_csv(load, buffer, pacsv.WriteOptions(include_header=False))
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS loan_day_load (business_day integer, loan_id bigint, "
        "status text, overdue_since_day integer, dpd integer, delinquent_days integer, "
        "bucket text, principal_overdue bigint, interest_overdue bigint, fee_overdue bigint, "
        "penalty_overdue bigint, principal_outstanding bigint, is_held integer, "
        "risk_class text, is_restructured integer) "
        "ON COMMIT DROP"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy("COPY loan_day_load FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())
    money = ", ".join(f"{c}_overdue / 100.0" for c in COMPONENTS)
    connection.exec_driver_sql(
        f"INSERT INTO loan_day ({', '.join(_OUT)}) SELECT DATE '1970-01-01' + business_day, "
        "loan_id, status, DATE '1970-01-01' + overdue_since_day, dpd, delinquent_days, bucket, "
        f"{money}, principal_outstanding / 100.0, is_held = 1, risk_class, "
        "is_restructured = 1 FROM loan_day_load"
    )
    connection.exec_driver_sql("DELETE FROM loan_day_load")


def day_to_date(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Day numbers back to dates (Arrow), for exports and reports."""
    result: pa.ChunkedArray = pc.cast(column.cast(pa.int32()), pa.date32())
    return result
