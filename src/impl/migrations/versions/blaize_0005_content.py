"""blaize: forms, static items, cache configurations and origin cache, feature rules

Revision ID: 0005_blaize
Revises: 0004_blaize
Create Date: 2026-11-23 16:30:21.876265
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_blaize"
down_revision = "0004_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_cache_configurations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=True),
        sa.Column("cache", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_cache_configurations_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blaize_cache_configurations")),
    )
    with op.batch_alter_table("blaize_cache_configurations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_cache_configurations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "blaize_feature_rule_counters",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("last_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_feature_rule_counters_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "rule_id", name=op.f("pk_blaize_feature_rule_counters")
        ),
    )
    op.create_table(
        "blaize_forms",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("internal_description", sa.Text(), nullable=True),
        sa.Column("public_description", sa.Text(), nullable=True),
        sa.Column("registration", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_forms_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "slug", name=op.f("pk_blaize_forms")),
    )
    op.create_table(
        "blaize_origin_evictions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("admin_user_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=320), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("evicted_paths", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_origin_evictions_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blaize_origin_evictions")),
    )
    with op.batch_alter_table("blaize_origin_evictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_origin_evictions_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "blaize_static_items",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_static_items_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_blaize_static_items")),
    )
    op.create_table(
        "blaize_cached_origin_responses",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("configuration_id", sa.String(length=64), nullable=True),
        sa.Column("cached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evicted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eviction_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["eviction_id"],
            ["blaize_origin_evictions.id"],
            name="fk_blaize_cached_origin_responses_eviction",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_cached_origin_responses_tenant_id_blaize_tenants"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "path", name=op.f("pk_blaize_cached_origin_responses")
        ),
    )
    with op.batch_alter_table("blaize_cached_origin_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_cached_origin_responses_eviction_id"),
            ["eviction_id"],
            unique=False,
        )

    op.create_table(
        "blaize_feature_rule_versions",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("requirements_script", sa.Text(), nullable=True),
        sa.Column("action_script", sa.Text(), nullable=True),
        sa.Column("script_type", sa.Text(), nullable=True),
        sa.Column("graph_state", sa.Text(), nullable=True),
        sa.Column("editing_mode", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rule_id"],
            ["blaize_feature_rule_counters.tenant_id", "blaize_feature_rule_counters.rule_id"],
            name="fk_blaize_feature_rule_versions_rule",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "rule_id", "version", name=op.f("pk_blaize_feature_rule_versions")
        ),
    )
    op.create_table(
        "blaize_form_fields",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("form_slug", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("field_slug", sa.Text(), nullable=False),
        sa.Column("placeholder", sa.Text(), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=True),
        sa.Column("display_order", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "form_slug"],
            ["blaize_forms.tenant_id", "blaize_forms.slug"],
            name="fk_blaize_form_fields_form",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "form_slug", "position", name=op.f("pk_blaize_form_fields")
        ),
        sa.UniqueConstraint(
            "tenant_id", "form_slug", "field_slug", name="uq_blaize_form_fields_field"
        ),
    )
    op.create_table(
        "blaize_feature_rule_tags",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rule_id", "version"],
            [
                "blaize_feature_rule_versions.tenant_id",
                "blaize_feature_rule_versions.rule_id",
                "blaize_feature_rule_versions.version",
            ],
            name="fk_blaize_feature_rule_tags_version",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "rule_id", "tag", name=op.f("pk_blaize_feature_rule_tags")
        ),
    )


def downgrade() -> None:
    op.drop_table("blaize_feature_rule_tags")
    op.drop_table("blaize_form_fields")
    op.drop_table("blaize_feature_rule_versions")
    with op.batch_alter_table("blaize_cached_origin_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_cached_origin_responses_eviction_id"))

    op.drop_table("blaize_cached_origin_responses")
    op.drop_table("blaize_static_items")
    with op.batch_alter_table("blaize_origin_evictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_origin_evictions_tenant_id"))

    op.drop_table("blaize_origin_evictions")
    op.drop_table("blaize_forms")
    op.drop_table("blaize_feature_rule_counters")
    with op.batch_alter_table("blaize_cache_configurations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_cache_configurations_tenant_id"))

    op.drop_table("blaize_cache_configurations")
