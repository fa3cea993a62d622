"""Tables of the webhooks context."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import ID
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class Webhook(Base):
    """A tenant's webhook; its signing secret is derived from the master key and ``salt``."""

    __tablename__ = "blaize_webhooks"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    method: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """One event to send to one webhook (the outbox row), written with the change itself.

    ``payload`` is the exact JSON body sent on every attempt. ``claims`` counts the times a
    dispatcher took the delivery, so that two dispatchers never send it at once.
    """

    __tablename__ = "blaize_webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_webhooks.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(ID)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class WebhookAttempt(Base):
    """One call of a webhook's target: the answer's status code, or the error."""

    __tablename__ = "blaize_webhook_attempts"

    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_webhook_deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
