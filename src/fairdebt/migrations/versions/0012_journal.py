"""journal: the double-entry general ledger's lines (issue 10, item 6) and the payment's
booking date beside its value date (item 1)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:30:00

One new table and one new nullable column (``payment.booked_on``; existing payments read as
booked on their value date); nothing existing changes. Books opened before this revision have
no journal for their history: `fairdebt ledger check` then names every loan with open
components as differing (docs/decisions/general-ledger.md says how to open the books).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=18, scale=2)


def upgrade() -> None:
    op.create_table(
        "journal_line",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("loan_id", ID, nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loan.id"], name=op.f("fk_journal_line_loan_id_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_line")),
    )
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("booked_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("booked_on")
    op.drop_table("journal_line")
