"""agencies: the agency register, commission schedules by bucket, yearly evaluations and
placements with recall (issue 12, item 4)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00

New tables only; nothing existing changes. Agencies already named by ``collector.agency`` or
``contact_event.by`` are not registered automatically: an agency must be added (and evaluated)
before it can receive placements.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=18, scale=2)
RATE = sa.Numeric(precision=12, scale=8)


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def _agency_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["agency_id"], ["agency.id"], name=op.f(f"fk_{table}_agency_id_agency")
    )


def upgrade() -> None:
    op.create_table(
        "agency",
        _id(),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("contract_ends_on", sa.Date(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("name", name=op.f("uq_agency_name")),
    )
    op.create_table(
        "agency_commission",
        _id(),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("bucket", sa.String(length=8), nullable=False),
        sa.Column("rate", RATE, nullable=False),
        _agency_fk("agency_commission"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_commission")),
        sa.UniqueConstraint(
            "agency_id", "bucket", name=op.f("uq_agency_commission_agency_id_bucket")
        ),
    )
    op.create_table(
        "agency_evaluation",
        _id(),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conduct_passed", sa.Boolean(), nullable=False),
        sa.Column("quality_passed", sa.Boolean(), nullable=False),
        sa.Column("security_passed", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("evaluator", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _agency_fk("agency_evaluation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_evaluation")),
    )
    op.create_index(
        "ix_agency_evaluation_agency_id_evaluated_on",
        "agency_evaluation",
        ["agency_id", "evaluated_on"],
    )
    op.create_table(
        "placement",
        _id(),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("loan_id", ID, nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("bucket", sa.String(length=8), nullable=False),
        sa.Column("dpd", sa.Integer(), nullable=False),
        sa.Column("balance_amount", MONEY, nullable=False),
        sa.Column("commission_rate", RATE, nullable=False),
        sa.Column("recalled_on", sa.Date(), nullable=True),
        sa.Column("recall_reason", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        _agency_fk("placement"),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_placement_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    op.create_index("ix_placement_loan_id", "placement", ["loan_id"])
    op.create_index("ix_placement_agency_id_placed_on", "placement", ["agency_id", "placed_on"])


def downgrade() -> None:
    op.drop_index("ix_placement_agency_id_placed_on", table_name="placement")
    op.drop_index("ix_placement_loan_id", table_name="placement")
    op.drop_table("placement")
    op.drop_index("ix_agency_evaluation_agency_id_evaluated_on", table_name="agency_evaluation")
    op.drop_table("agency_evaluation")
    op.drop_table("agency_commission")
    op.drop_table("agency")
