"""blaize: catalogue (entitlements, bundles, meters, credits, products), gifts, usage

Revision ID: 0003_blaize
Revises: 0002_blaize
Create Date: 2026-11-23 16:28:26.698693
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_blaize"
down_revision = "0002_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_bundles",
        sa.Column("includes", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("auto_assign", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_bundles_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_bundles")),
    )
    op.create_table(
        "blaize_catalogue_links",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("owner_kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_catalogue_links_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "owner_kind",
            "owner_id",
            "position",
            name=op.f("pk_blaize_catalogue_links"),
        ),
    )
    with op.batch_alter_table("blaize_catalogue_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_blaize_catalogue_links_item", ["tenant_id", "item_kind", "item_id"], unique=False
        )

    op.create_table(
        "blaize_credits",
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("delivers", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("auto_assign", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_credits_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_credits")),
    )
    op.create_table(
        "blaize_entitlements",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("auto_assign", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_entitlements_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_entitlements")),
    )
    op.create_table(
        "blaize_gifts",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("path_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("cross_device_session", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_gifts_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_gifts")),
    )
    with op.batch_alter_table("blaize_gifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_blaize_gifts_claimed_by", ["tenant_id", "claimed_by"], unique=False
        )

    op.create_table(
        "blaize_meter_anchors",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("meter_id", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("anchor", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_meter_anchors_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "meter_id", "subject", name=op.f("pk_blaize_meter_anchors")
        ),
    )
    op.create_table(
        "blaize_meter_usage",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("meter_id", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_meter_usage_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "meter_id", "subject", "period_start", name=op.f("pk_blaize_meter_usage")
        ),
    )
    op.create_table(
        "blaize_meters",
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("limit", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=8), nullable=False),
        sa.Column("delivers", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("auto_assign", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_meters_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_meters")),
    )
    op.create_table(
        "blaize_products",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("entitlement", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_products_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_products")),
    )
    op.create_table(
        "blaize_credit_usage",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("credit_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_credit_usage_tenant_id_blaize_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["blaize_users.id"],
            name=op.f("fk_blaize_credit_usage_user_id_blaize_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "credit_id", "user_id", name=op.f("pk_blaize_credit_usage")
        ),
    )
    with op.batch_alter_table("blaize_credit_usage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_credit_usage_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("blaize_credit_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_credit_usage_user_id"))

    op.drop_table("blaize_credit_usage")
    op.drop_table("blaize_products")
    op.drop_table("blaize_meters")
    op.drop_table("blaize_meter_usage")
    op.drop_table("blaize_meter_anchors")
    with op.batch_alter_table("blaize_gifts", schema=None) as batch_op:
        batch_op.drop_index("ix_blaize_gifts_claimed_by")

    op.drop_table("blaize_gifts")
    op.drop_table("blaize_entitlements")
    op.drop_table("blaize_credits")
    with op.batch_alter_table("blaize_catalogue_links", schema=None) as batch_op:
        batch_op.drop_index("ix_blaize_catalogue_links_item")

    op.drop_table("blaize_catalogue_links")
    op.drop_table("blaize_bundles")
