"""blaize: the mail outbox is delivered (state, attempts, claims)

Revision ID: 0008_blaize
Revises: 0007_blaize
Create Date: 2026-12-04 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_blaize"
down_revision = "0007_blaize"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("error", "sent_at", "next_attempt_at", "claims", "attempts", "status", "link")


def upgrade() -> None:
    with op.batch_alter_table("blaize_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claims", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_blaize_outbox_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("blaize_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_outbox_status_next_attempt_at"))
        for column in NEW_COLUMNS:
            batch_op.drop_column(column)
