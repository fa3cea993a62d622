"""blaize: webhooks, their deliveries and attempts

Revision ID: 0006_blaize
Revises: 0005_blaize
Create Date: 2026-11-23 16:31:38.220077
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_blaize"
down_revision = "0005_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_webhooks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_webhooks_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blaize_webhooks")),
    )
    with op.batch_alter_table("blaize_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_webhooks_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "blaize_webhook_deliveries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("webhook_id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')",
            name=op.f("ck_blaize_webhook_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_webhook_deliveries_tenant_id_blaize_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["blaize_webhooks.id"],
            name=op.f("fk_blaize_webhook_deliveries_webhook_id_blaize_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blaize_webhook_deliveries")),
    )
    with op.batch_alter_table("blaize_webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_webhook_deliveries_completed_at"), ["completed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_webhook_deliveries_next_attempt_at"),
            ["next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_webhook_deliveries_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_webhook_deliveries_webhook_id"), ["webhook_id"], unique=False
        )

    op.create_table(
        "blaize_webhook_attempts",
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["blaize_webhook_deliveries.id"],
            name=op.f("fk_blaize_webhook_attempts_delivery_id_blaize_webhook_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delivery_id", "number", name=op.f("pk_blaize_webhook_attempts")),
    )


def downgrade() -> None:
    op.drop_table("blaize_webhook_attempts")
    with op.batch_alter_table("blaize_webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_webhook_deliveries_webhook_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_webhook_deliveries_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_webhook_deliveries_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_blaize_webhook_deliveries_completed_at"))

    op.drop_table("blaize_webhook_deliveries")
    with op.batch_alter_table("blaize_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_webhooks_tenant_id"))

    op.drop_table("blaize_webhooks")
