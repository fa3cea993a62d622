"""Chainsite tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow

PUBLIC = "public"
PRIVATE = "private"


class StoredFile(Base):
    """One uploaded file's record; its bytes live in storage under ``name``."""

    __tablename__ = "chainsite_files"
    __table_args__ = (
        CheckConstraint("visibility IN ('public', 'private')", name="visibility"),
        CheckConstraint("size >= 0", name="size"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    visibility: Mapped[str] = mapped_column(String(7))
    uploaded_by: Mapped[str] = mapped_column(String(24), index=True)
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC

    def visible_to(self, user_id: str) -> bool:
        """Public files are visible to everyone, private ones to their uploader only."""
        return self.deleted_at is None and (self.is_public or self.uploaded_by == user_id)
