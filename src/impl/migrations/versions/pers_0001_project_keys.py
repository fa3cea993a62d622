"""pers project keys

Revision ID: 0001_pers
Revises:
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_pers"
down_revision = None
branch_labels = ("pers",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pers_project_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pers_project_keys")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_pers_project_keys_key_digest")),
    )
    with op.batch_alter_table("pers_project_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pers_project_keys_tenant"), ["tenant"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pers_project_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pers_project_keys_tenant"))
    op.drop_table("pers_project_keys")
