"""What a webhook has sent: its most recent deliveries and the attempts of each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.webhooks.models import WebhookAttempt, WebhookDelivery

RECENT_DELIVERIES = 20

LoggedDelivery = tuple[WebhookDelivery, list[WebhookAttempt]]
"""A delivery with its attempts, first attempt first."""


def recent_deliveries(session: Session, webhook_id: str) -> list[LoggedDelivery]:
    """The webhook's most recent deliveries, newest first."""
    deliveries = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(RECENT_DELIVERIES)
    )
    return [(delivery, _attempts(session, delivery)) for delivery in deliveries]


def _attempts(session: Session, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    query = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(WebhookAttempt.number)
    )
    return list(session.scalars(query))
