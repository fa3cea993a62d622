"""blaize: request rules of the Decision Engine

Revision ID: 0007_blaize
Revises: 0006_blaize
Create Date: 2026-11-23 16:40:16.989271
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_blaize"
down_revision = "0006_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_request_rules",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("url_pattern", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("requirements_script", sa.Text(), nullable=True),
        sa.Column("action_script", sa.Text(), nullable=True),
        sa.Column("script_type", sa.String(length=40), nullable=False),
        sa.Column("graph_state", sa.Text(), nullable=True),
        sa.Column("editing_mode", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_request_rules_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_request_rules")),
    )


def downgrade() -> None:
    op.drop_table("blaize_request_rules")
