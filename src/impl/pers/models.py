"""PERS tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class ProjectKey(Base):
    """A tenant's project key, kept only as its SHA-256 digest (keys are random and long)."""

    __tablename__ = "pers_project_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
