"""Handlers of the webhooks module: the tenant's webhooks and their delivery log.

What the webhooks send, and when, is in ``webhook_events`` (the outbox rows a change writes)
and ``webhook_dispatch`` (the background sending). Webhooks send user data to outside URLs,
so, like the configuration, every operation needs the ``admin`` role.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.signing import new_salt
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from contractkit.impl.blaize.webhooks.signing import webhook_secret
from contractkit.impl.errors import conflict
from contractkit.impl.timeutil import isoformat

RECENT_DELIVERIES = 20
DEFAULT_METHOD = "POST"


def _webhook(session: Session, tenant_id: str, webhook_id: str) -> Webhook:
    return owned(session, Webhook, webhook_id, tenant_id, "Webhook")


def _is_http_url(target: str) -> bool:
    """Whether ``target`` is an absolute ``http`` or ``https`` URL with a host."""
    try:
        parts = urlsplit(target)
        _ = parts.port  # raises on a malformed port
        httpx.URL(target)
    except (ValueError, httpx.InvalidURL):
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _write_fields(webhook: Webhook, body: dict[str, Any]) -> None:
    """Replace every field with the body's (``method`` defaults to POST)."""
    refuse_unstorable(body)
    if not _is_http_url(body["target"]):
        raise conflict("The target must be an absolute http or https URL")
    webhook.label = body.get("label")
    webhook.triggers = list(body["triggers"])
    webhook.method = body.get("method", DEFAULT_METHOD)
    webhook.target = body["target"]


def webhook_view(webhook: Webhook) -> dict[str, Any]:
    view: dict[str, Any] = {"webhook_id": webhook.id}
    if webhook.label is not None:
        view["label"] = webhook.label
    view.update(
        {"triggers": list(webhook.triggers), "method": webhook.method, "target": webhook.target}
    )
    return view


def _attempt_view(attempt: WebhookAttempt) -> dict[str, Any]:
    view: dict[str, Any] = {
        "attempt": attempt.number,
        "attempted_at": isoformat(attempt.attempted_at),
    }
    if attempt.status_code is not None:
        view["status_code"] = attempt.status_code
    if attempt.error is not None:
        view["error"] = attempt.error
    return view


def _delivery_view(session: Session, delivery: WebhookDelivery) -> dict[str, Any]:
    attempts = session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(WebhookAttempt.number)
    )
    view: dict[str, Any] = {
        "delivery_id": delivery.id,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "created_at": isoformat(delivery.created_at),
    }
    if delivery.status == "pending" and delivery.next_attempt_at is not None:
        view["next_attempt_at"] = isoformat(delivery.next_attempt_at)
    view["attempts"] = [_attempt_view(attempt) for attempt in attempts]
    return view


def recent_deliveries(session: Session, webhook_id: str) -> list[dict[str, Any]]:
    """The webhook's most recent deliveries, newest first."""
    deliveries = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(RECENT_DELIVERIES)
    )
    return [_delivery_view(session, delivery) for delivery in deliveries]


def list_webhooks(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhooks = tenant_rows(session, Webhook, caller.tenant_id)
        return {"results": [webhook_view(webhook) for webhook in webhooks]}, 200


def create_webhook(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = Webhook(id=new_id(), tenant_id=caller.tenant_id, salt=new_salt())
        _write_fields(webhook, body)
        session.add(webhook)
    uri = ctx.uri(f"/v3/webhooks/{webhook.id}")
    answer = {
        "webhook_id": webhook.id,
        "message": "Webhook created successfully",
        "uri": uri,
        "secret": webhook_secret(ctx.settings.master_key, webhook.id, webhook.salt),
    }
    return answer, 201, {"Location": uri}


def get_webhook(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = _webhook(session, caller.tenant_id, id)
        deliveries = recent_deliveries(session, webhook.id)
        return {**webhook_view(webhook), "deliveries": deliveries}, 200


def update_webhook(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = _webhook(session, caller.tenant_id, id)
        if body.get("webhook_id", id) != id:
            raise conflict("The body's webhook_id differs from the path's id")
        _write_fields(webhook, body)
        session.flush()
        return webhook_view(webhook), 200


def delete_webhook(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        session.delete(_webhook(session, caller.tenant_id, id))
    return {"message": "Webhook deleted successfully"}, 200
