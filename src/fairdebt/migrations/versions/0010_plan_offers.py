"""plan offers (issue 12, item 1): offers by policy, affordability and expected recovery, and
the plan each accepted offer became, with how it ended

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00

A new table only: ``plan_offer``. The hold kind ``plan`` needs no change (``hold.kind`` is a
string). Another branch adds 0009 in parallel; the integrator re-chains this one after it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=18, scale=2)
RATE = sa.Numeric(precision=12, scale=8)


def upgrade() -> None:
    op.create_table(
        "plan_offer",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("loan_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("bucket", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("plan_rate", RATE, nullable=False),
        sa.Column("owed_amount", MONEY, nullable=False),
        sa.Column("total_amount", MONEY, nullable=False),
        sa.Column("total_cost", MONEY, nullable=False),
        sa.Column("forgiven_amount", MONEY, nullable=False),
        sa.Column("cost_rate", RATE, nullable=False),
        sa.Column("cap_rate", RATE, nullable=False),
        sa.Column("instalments", sa.Text(), nullable=False),
        sa.Column("capacity_amount", MONEY, nullable=True),
        sa.Column("completion_probability", sa.Float(), nullable=False),
        sa.Column("expected_recovery_amount", MONEY, nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("repayment_plan_id", ID, nullable=True),
        sa.Column("hold_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_plan_offer_loan_id_loan")),
        sa.ForeignKeyConstraint(
            ["repayment_plan_id"],
            ["repayment_plan.id"],
            name=op.f("fk_plan_offer_repayment_plan_id_repayment_plan"),
        ),
        sa.ForeignKeyConstraint(["hold_id"], ["hold.id"], name=op.f("fk_plan_offer_hold_id_hold")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_offer")),
    )
    with op.batch_alter_table("plan_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_offer_loan_id"), ["loan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_offer_loan_id"))
    op.drop_table("plan_offer")
