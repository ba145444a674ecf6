"""five-tier classification and re-ageing: loan_day.risk_class and is_restructured, the
delinquency a restructure carries (repayment_plan.carried_due_on)

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-04 16:10:00

The two loan_day columns are nullable: rows closed before this revision have no class until
their dates are rerun (``fairdebt cycle run --rerun``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("loan_day", sa.Column("risk_class", sa.String(length=16), nullable=True))
    op.add_column("loan_day", sa.Column("is_restructured", sa.Boolean(), nullable=True))
    op.add_column("repayment_plan", sa.Column("carried_due_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("repayment_plan") as batch:
        batch.drop_column("carried_due_on")
    with op.batch_alter_table("loan_day") as batch:
        batch.drop_column("is_restructured")
        batch.drop_column("risk_class")
