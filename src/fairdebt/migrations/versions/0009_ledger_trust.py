"""prepayment terms on products (a fee, what a partial prepayment changes); recoveries on
charged-off loans (issue 10, items 2 and 5)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00

Existing products charge no prepayment fee and lower the instalment on a partial prepayment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=18, scale=2)


def upgrade() -> None:
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prepayment_fee_rate", sa.Numeric(precision=12, scale=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "partial_prepayment",
                sa.String(length=16),
                nullable=False,
                server_default="lower_instalment",
            )
        )
    op.create_table(
        "recovery",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("loan_id", ID, nullable=False),
        sa.Column("recovered_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("principal_amount", MONEY, nullable=False),
        sa.Column("interest_amount", MONEY, nullable=False),
        sa.Column("fee_amount", MONEY, nullable=False),
        sa.Column("penalty_amount", MONEY, nullable=False),
        sa.Column("excess_amount", MONEY, nullable=False),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_recovery_loan_id_loan")),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_recovery_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_recovery_payment_id")),
    )
    op.create_index(op.f("ix_recovery_loan_id"), "recovery", ["loan_id"], unique=False)
    op.create_index(op.f("ix_recovery_recovered_on"), "recovery", ["recovered_on"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recovery_recovered_on"), table_name="recovery")
    op.drop_index(op.f("ix_recovery_loan_id"), table_name="recovery")
    op.drop_table("recovery")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("partial_prepayment")
        batch_op.drop_column("prepayment_fee_rate")
