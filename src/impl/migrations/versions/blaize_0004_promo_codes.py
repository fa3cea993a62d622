"""blaize: Braintree promo codes

Revision ID: 0004_blaize
Revises: 0003_blaize
Create Date: 2026-11-23 16:29:29.690005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_blaize"
down_revision = "0003_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_promo_codes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("discount_id", sa.Text(), nullable=False),
        sa.Column("discount", sa.Double(), nullable=False),
        sa.Column("billing_cycles", sa.Integer(), nullable=True),
        sa.Column("claim_limit", sa.Integer(), nullable=True),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("absolute_discount", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("claimed >= 0", name=op.f("ck_blaize_promo_codes_claimed")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_promo_codes_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blaize_promo_codes")),
        sa.UniqueConstraint("tenant_id", "code", name="uq_blaize_promo_codes_code"),
    )


def downgrade() -> None:
    op.drop_table("blaize_promo_codes")
