"""Tables of the tenancy context."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import TENANT
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class Tenant(Base):
    """A Blaize tenant; ``installed_at`` is set by ``POST /v3/initialize`` (or devtokens)."""

    __tablename__ = "blaize_tenants"

    id: Mapped[str] = mapped_column(TENANT, primary_key=True)
    installed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
