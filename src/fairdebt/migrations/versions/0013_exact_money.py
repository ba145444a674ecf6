"""exact money: every money column becomes integer cents on SQLite (issue 10, item 8)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-05 07:30:00

SQLite has no decimal type: a ``NUMERIC(18, 2)`` column keeps 12.34 as an IEEE double, so an
amount past 2^53 cents read back with invented cents and sums were float sums. From here on
SQLite stores money as BIGINT integer cents (``fairdebt.models.Money``). Every money column is
found by its declared type, NUMERIC(18, 2) (rates are NUMERIC(12, 8) and stay), so a table
added by a migration before this one is converted too. Each value becomes
``CAST(ROUND(x * 100) AS INTEGER)``: a stored double is the nearest double to a two-place
amount, and within the bound every reader already kept (below 2^53 cents) rounding it back is
exact, so no value changes. Then the column is retyped in batch mode (SQLite rebuilds the
table). PostgreSQL already stores NUMERIC(18, 2), exact, and is left as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _money_columns(*, cents: bool) -> dict[str, list[str]]:
    """Per table, the money columns as stored now: NUMERIC(18, 2), or BIGINT when ``cents``
    (the downgrade's view: every BIGINT that is not a key or a count is money)."""
    inspector = sa.inspect(op.get_bind())
    found: dict[str, list[str]] = {}
    for table in inspector.get_table_names():
        names = []
        for column in inspector.get_columns(table):
            kind = column["type"]
            if cents:
                is_money = isinstance(kind, sa.BigInteger) and _is_money_name(column["name"])
            else:
                is_money = (
                    isinstance(kind, sa.Numeric)
                    and not isinstance(kind, sa.Float)
                    and (kind.precision, kind.scale) == (18, 2)
                )
            if is_money:
                names.append(column["name"])
        if names:
            found[table] = names
    return found


def _is_money_name(name: str) -> bool:
    # The money columns' names (docs/glossary.md: *_amount, and the components' due, paid,
    # waived and overdue, principal outstanding, a plan's total cost).
    parts = ("_amount", "_due", "_paid", "_waived", "_overdue", "_outstanding", "_cost")
    return name == "amount" or name.endswith(parts)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # A rebuilt table is dropped and renamed back while other tables point at it: fairdebt's
    # db.upgrade runs migrations with foreign keys off and checks them all before committing.
    for table, columns in _money_columns(cents=False).items():
        assignments = ", ".join(f"{c} = CAST(ROUND({c} * 100) AS INTEGER)" for c in columns)
        op.execute(f"UPDATE {table} SET {assignments}")
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=sa.BigInteger(),
                    existing_type=sa.Numeric(precision=18, scale=2),
                )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in _money_columns(cents=True).items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=sa.Numeric(precision=18, scale=2),
                    existing_type=sa.BigInteger(),
                )
        assignments = ", ".join(f"{c} = {c} / 100.0" for c in columns)
        op.execute(f"UPDATE {table} SET {assignments}")
