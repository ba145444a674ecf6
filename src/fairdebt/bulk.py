"""Bulk writes for the ledger's batch verbs: executemany straight through the database driver.

SQLAlchemy's per-row parameter processing costs more than the database itself when a verb
writes a million allocation lines, so the batch paths hand plain tuples to the driver's
``executemany``. Values are adapted here once: on SQLite, Decimal becomes float (what
SQLAlchemy's own Numeric binding does) and dates become ISO text (SQLAlchemy's SQLite date
format); psycopg takes Decimal and date natively. Inside the caller's transaction, like every
other write.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

__all__ = [
    "execute_many",
    "insert_keyed",
    "insert_rows",
    "read_ids",
    "select_by_keys",
    "update_rows",
]


# The sqlite3 module adapts by exact type, in C; SQLAlchemy binds its own values before they
# reach the driver, so these two adapters only ever see the tuples written from this module.
sqlite3.register_adapter(Decimal, float)
sqlite3.register_adapter(dt.date, dt.date.isoformat)


def execute_many(session: Session, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement written with ``?`` markers for every row, through the driver."""
    if not rows:
        return
    connection = session.connection()
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql.replace("?", marker), rows)
    finally:
        cursor.close()


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT many rows of ``columns`` (plain tuples, in that column order) into ``table``."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    execute_many(session, sql, rows)


def update_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE ``columns`` of many rows by id; each row is (values..., id)."""
    sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"
    execute_many(session, sql, rows)


def select_by_keys(
    session: Session, select_sql: str, key: str, keys: Sequence[Any], *, chunk: int = 50_000
) -> list[tuple[Any, ...]]:
    """Rows of ``select_sql`` (a SELECT without WHERE) whose ``key`` is one of ``keys``.

    The keys travel as one parameter, a JSON array on SQLite (``json_each``) and an array on
    PostgreSQL (``= ANY``), so a 300 k-key lookup is a few statements, not 60 statements of
    5 000 bound parameters each. Values come back as the driver gives them (on SQLite: float
    for numbers, ISO text for dates).
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        sql = f"{select_sql} WHERE {key} IN (SELECT value FROM json_each(?))"
    else:
        sql = f"{select_sql} WHERE {key} = ANY(%s)"
    found: list[tuple[Any, ...]] = []
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(keys), chunk):
            part = list(keys[start : start + chunk])
            argument: Any = json.dumps(part) if connection.dialect.name == "sqlite" else part
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
