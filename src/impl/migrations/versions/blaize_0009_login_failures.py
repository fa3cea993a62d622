"""blaize: failed logins counted per account and per client address

Revision ID: 0009_blaize
Revises: 0008_blaize
Create Date: 2026-12-04 08:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_blaize"
down_revision = "0008_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_login_failures",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_blaize_login_failures")),
    )


def downgrade() -> None:
    op.drop_table("blaize_login_failures")
