"""the collection loop: collectors, decisions, consents, contact preferences; contacts as facts

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 15:41:50.521599
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collector",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("pool", sa.String(length=32), nullable=False),
        sa.Column("skills", sa.String(length=80), nullable=False),
        sa.Column("shift_start", sa.Time(), nullable=False),
        sa.Column("shift_end", sa.Time(), nullable=False),
        sa.Column("daily_capacity", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=80), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collector")),
        sa.UniqueConstraint("code", name=op.f("uq_collector_code")),
    )
    op.create_table(
        "contact_preference",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("from_time", sa.Time(), nullable=True),
        sa.Column("to_time", sa.Time(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrower.id"],
            name=op.f("fk_contact_preference_borrower_id_borrower"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_preference")),
    )
    with op.batch_alter_table("contact_preference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_preference_borrower_id"), ["borrower_id"], unique=False
        )

    op.create_table(
        "consent",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_consent_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_consent_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_borrower_id"), ["borrower_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("policy", sa.String(length=40), nullable=False),
        sa.Column("arm", sa.String(length=24), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("dpd", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("proposed_action", sa.String(length=32), nullable=False),
        sa.Column("propensity", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=48), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("template", sa.String(length=64), nullable=True),
        sa.Column("gate_rule", sa.String(length=64), nullable=True),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "collector_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("queue_position", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_decision_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(
            ["collector_id"], ["collector.id"], name=op.f("fk_decision_collector_id_collector")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_decision_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint(
            "business_date",
            "loan_id",
            "policy",
            name=op.f("uq_decision_business_date_loan_id_policy"),
        ),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_collector_id_business_date",
            ["collector_id", "business_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_decision_loan_id"), ["loan_id"], unique=False)

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contact_event_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_contact_event_id_contact_event"),
            "contact_event",
            ["contact_event_id"],
            ["id"],
        )

    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "actor_kind", sa.String(length=16), nullable=False, server_default="collector"
            )
        )
        batch_op.add_column(
            sa.Column(
                "collector_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(sa.Column("action", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("template", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("gate_allowed", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("gate_rule", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("right_party", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("result", sa.String(length=24), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_event_decision_id_decision"), "decision", ["decision_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_event_collector_id_collector"),
            "collector",
            ["collector_id"],
            ["id"],
        )

    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contact_event_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_promise_contact_event_id_contact_event"),
            "contact_event",
            ["contact_event_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_promise_contact_event_id_contact_event"), type_="foreignkey"
        )
        batch_op.drop_column("contact_event_id")

    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contact_event_collector_id_collector"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_contact_event_decision_id_decision"), type_="foreignkey"
        )
        batch_op.drop_column("result")
        batch_op.drop_column("right_party")
        batch_op.drop_column("gate_rule")
        batch_op.drop_column("gate_allowed")
        batch_op.drop_column("template")
        batch_op.drop_column("action")
        batch_op.drop_column("decision_id")
        batch_op.drop_column("collector_id")
        batch_op.drop_column("actor_kind")

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_complaint_contact_event_id_contact_event"), type_="foreignkey"
        )
        batch_op.drop_column("contact_event_id")

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_loan_id"))
        batch_op.drop_index("ix_decision_collector_id_business_date")

    op.drop_table("decision")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_borrower_id"))

    op.drop_table("consent")
    with op.batch_alter_table("contact_preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_preference_borrower_id"))

    op.drop_table("contact_preference")
    op.drop_table("collector")
