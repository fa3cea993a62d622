"""peerly tables

Revision ID: 0001_peerly
Revises:
Create Date: 2026-11-23 13:29:42.441001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_peerly"
down_revision = None
branch_labels = ("peerly",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peerly_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_organisations")),
        sa.UniqueConstraint("domain", name=op.f("uq_peerly_organisations_domain")),
    )
    op.create_table(
        "peerly_revoked_tokens",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_peerly_revoked_tokens")),
    )
    with op.batch_alter_table("peerly_revoked_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peerly_revoked_tokens_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "peerly_core_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_core_value_id", sa.Integer(), nullable=True),
        sa.Column("thumbnail_url", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["peerly_organisations.id"],
            name=op.f("fk_peerly_core_values_org_id_peerly_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_core_value_id"],
            ["peerly_core_values.id"],
            name=op.f("fk_peerly_core_values_parent_core_value_id_peerly_core_values"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_core_values")),
    )
    with op.batch_alter_table("peerly_core_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peerly_core_values_org_id"), ["org_id"], unique=False)

    op.create_table(
        "peerly_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("profile_image_url", sa.String(length=2048), nullable=True),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("hi5_quota_balance", sa.Integer(), nullable=False),
        sa.Column("soft_delete_by", sa.Integer(), nullable=True),
        sa.Column("soft_delete_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role_id IN (1, 2, 3)", name=op.f("ck_peerly_users_role")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["peerly_organisations.id"],
            name=op.f("fk_peerly_users_org_id_peerly_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["soft_delete_by"],
            ["peerly_users.id"],
            name=op.f("fk_peerly_users_soft_delete_by_peerly_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_users")),
        sa.UniqueConstraint("email", name=op.f("uq_peerly_users_email")),
    )
    with op.batch_alter_table("peerly_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peerly_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "peerly_recognitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("core_value_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("given_for", sa.Integer(), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hi5_count", sa.Integer(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["core_value_id"],
            ["peerly_core_values.id"],
            name=op.f("fk_peerly_recognitions_core_value_id_peerly_core_values"),
        ),
        sa.ForeignKeyConstraint(
            ["given_by"],
            ["peerly_users.id"],
            name=op.f("fk_peerly_recognitions_given_by_peerly_users"),
        ),
        sa.ForeignKeyConstraint(
            ["given_for"],
            ["peerly_users.id"],
            name=op.f("fk_peerly_recognitions_given_for_peerly_users"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["peerly_organisations.id"],
            name=op.f("fk_peerly_recognitions_org_id_peerly_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_recognitions")),
    )
    with op.batch_alter_table("peerly_recognitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peerly_recognitions_core_value_id"), ["core_value_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_peerly_recognitions_given_by"), ["given_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_peerly_recognitions_given_for"), ["given_for"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_peerly_recognitions_org_id"), ["org_id"], unique=False)

    op.create_table(
        "peerly_hi5s",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["given_by"], ["peerly_users.id"], name=op.f("fk_peerly_hi5s_given_by_peerly_users")
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["peerly_recognitions.id"],
            name=op.f("fk_peerly_hi5s_recognition_id_peerly_recognitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_hi5s")),
        sa.UniqueConstraint("recognition_id", "given_by", name="uq_peerly_hi5_once"),
    )
    op.create_table(
        "peerly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=False),
        sa.Column("mark_as", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mark_as IN ('fraud', 'not_relevant', 'incorrect')",
            name=op.f("ck_peerly_reports_mark_as"),
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["peerly_recognitions.id"],
            name=op.f("fk_peerly_reports_recognition_id_peerly_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["peerly_users.id"],
            name=op.f("fk_peerly_reports_reported_by_peerly_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_reports")),
        sa.UniqueConstraint("recognition_id", "reported_by", name="uq_peerly_report_once"),
    )
    op.create_table(
        "peerly_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=False),
        sa.Column("is_inappropriate", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["peerly_recognitions.id"],
            name=op.f("fk_peerly_reviews_recognition_id_peerly_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["peerly_users.id"],
            name=op.f("fk_peerly_reviews_reviewed_by_peerly_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peerly_reviews")),
    )
    with op.batch_alter_table("peerly_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peerly_reviews_recognition_id"), ["recognition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("peerly_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peerly_reviews_recognition_id"))

    op.drop_table("peerly_reviews")
    op.drop_table("peerly_reports")
    op.drop_table("peerly_hi5s")
    with op.batch_alter_table("peerly_recognitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peerly_recognitions_org_id"))
        batch_op.drop_index(batch_op.f("ix_peerly_recognitions_given_for"))
        batch_op.drop_index(batch_op.f("ix_peerly_recognitions_given_by"))
        batch_op.drop_index(batch_op.f("ix_peerly_recognitions_core_value_id"))

    op.drop_table("peerly_recognitions")
    with op.batch_alter_table("peerly_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peerly_users_org_id"))

    op.drop_table("peerly_users")
    with op.batch_alter_table("peerly_core_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peerly_core_values_org_id"))

    op.drop_table("peerly_core_values")
    with op.batch_alter_table("peerly_revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peerly_revoked_tokens_expires_at"))

    op.drop_table("peerly_revoked_tokens")
    op.drop_table("peerly_organisations")
