"""chainsite files

Revision ID: 0001_chainsite
Revises:
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_chainsite"
down_revision = None
branch_labels = ("chainsite",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chainsite_files",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("visibility", sa.String(length=7), nullable=False),
        sa.Column("uploaded_by", sa.String(length=24), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_chainsite_files_size")),
        sa.CheckConstraint(
            "visibility IN ('public', 'private')", name=op.f("ck_chainsite_files_visibility")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chainsite_files")),
        sa.UniqueConstraint("name", name=op.f("uq_chainsite_files_name")),
    )
    with op.batch_alter_table("chainsite_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chainsite_files_uploaded_by"), ["uploaded_by"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("chainsite_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chainsite_files_uploaded_by"))
    op.drop_table("chainsite_files")
