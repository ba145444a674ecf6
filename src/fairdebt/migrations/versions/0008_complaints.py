"""complaints as a process (links, deadlines, assignment, closure, reopening); holds scoped to
the actors a complaint names; promise kinds and instalment series (issue 12)

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-05 10:00:00

Existing complaints keep no deadlines (NULL) and count as not about conduct; existing holds
stop every actor (scope NULL); existing promises are ``full`` promises.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("collector_id", ID, nullable=True))
        batch_op.add_column(sa.Column("agency", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("is_conduct", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("acknowledge_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("root_cause", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("reopened_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_collector_id_collector"), "collector", ["collector_id"], ["id"]
        )

    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("complaint_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_hold_complaint_id_complaint"), "complaint", ["complaint_id"], ["id"]
        )

    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="full")
        )
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_column("sequence")
        batch_op.drop_column("series_id")
        batch_op.drop_column("kind")
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_constraint("fk_hold_complaint_id_complaint", type_="foreignkey")
        batch_op.drop_column("complaint_id")
        batch_op.drop_column("scope")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_constraint("fk_complaint_collector_id_collector", type_="foreignkey")
        for name in (
            "reopened_count",
            "resolution",
            "root_cause",
            "acknowledged_at",
            "assigned_to",
            "due_on",
            "acknowledge_by",
            "is_conduct",
            "agency",
            "collector_id",
            "template",
        ):
            batch_op.drop_column(name)
