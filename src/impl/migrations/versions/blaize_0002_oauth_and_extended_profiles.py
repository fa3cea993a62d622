"""blaize: OAuth2 codes and tokens, users' extended profiles

Revision ID: 0002_blaize
Revises: 0001_blaize
Create Date: 2026-11-23 14:47:16.241748
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_blaize"
down_revision = "0001_blaize"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blaize_oauth_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_oauth_codes_tenant_id_blaize_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["blaize_users.id"],
            name=op.f("fk_blaize_oauth_codes_user_id_blaize_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_blaize_oauth_codes")),
    )
    with op.batch_alter_table("blaize_oauth_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_codes_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_codes_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_codes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "blaize_oauth_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('access', 'refresh')", name=op.f("ck_blaize_oauth_tokens_kind")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_oauth_tokens_tenant_id_blaize_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["blaize_users.id"],
            name=op.f("fk_blaize_oauth_tokens_user_id_blaize_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_blaize_oauth_tokens")),
    )
    with op.batch_alter_table("blaize_oauth_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_tokens_code_hash"), ["code_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_tokens_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_tokens_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_blaize_oauth_tokens_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "blaize_user_extended_profiles",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["blaize_tenants.id"],
            name=op.f("fk_blaize_user_extended_profiles_tenant_id_blaize_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["blaize_users.id"],
            name=op.f("fk_blaize_user_extended_profiles_user_id_blaize_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "app_id", name=op.f("pk_blaize_user_extended_profiles")),
    )
    with op.batch_alter_table("blaize_user_extended_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blaize_user_extended_profiles_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("blaize_user_extended_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_user_extended_profiles_tenant_id"))

    op.drop_table("blaize_user_extended_profiles")
    with op.batch_alter_table("blaize_oauth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_tokens_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_tokens_code_hash"))

    op.drop_table("blaize_oauth_tokens")
    with op.batch_alter_table("blaize_oauth_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_codes_user_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_codes_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_blaize_oauth_codes_expires_at"))

    op.drop_table("blaize_oauth_codes")
