"""Tables of the decisions context."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class RequestRule(Base):
    """A request rule: conditions on the path and method, and the scripts that decide.

    Rules are evaluated in creation order (``created_at``, then ``id``); replacing a rule
    keeps its place.
    """

    __tablename__ = "blaize_request_rules"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    url_pattern: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    requirements_script: Mapped[str | None] = mapped_column(Text)
    action_script: Mapped[str | None] = mapped_column(Text)
    script_type: Mapped[str] = mapped_column(String(40))
    graph_state: Mapped[str | None] = mapped_column(Text)
    editing_mode: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
