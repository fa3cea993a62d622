"""Handlers of the webhooks module: the tenant's webhooks and their delivery log.

What the webhooks send, and when, is in ``blaize.webhooks.events`` (the outbox rows a change
writes) and ``blaize.webhooks.dispatch`` (the background sending). Webhooks send user data to
outside URLs, so, like the configuration, every operation needs the ``admin`` role.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.webhooks.delivery_log import LoggedDelivery, recent_deliveries
from contractkit.impl.blaize.webhooks.models import Webhook, WebhookAttempt
from contractkit.impl.blaize.webhooks.registry import (
    add_webhook,
    find_webhook,
    remove_webhook,
    replace_webhook,
    tenant_webhooks,
)
from contractkit.impl.blaize.webhooks.signing import webhook_secret
from contractkit.impl.errors import conflict
from contractkit.impl.timeutil import isoformat


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


def _delivery_view(logged: LoggedDelivery) -> dict[str, Any]:
    delivery, attempts = logged
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


def list_webhooks(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhooks = tenant_webhooks(session, caller.tenant_id)
        return {"results": [webhook_view(webhook) for webhook in webhooks]}, 200


def create_webhook(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = add_webhook(session, caller.tenant_id, body, ctx.settings.webhook_allow_private)
    uri = ctx.uri(f"/v3/webhooks/{webhook.id}")
    answer = {
        "webhook_id": webhook.id,
        "message": "Webhook created successfully",
        "uri": uri,
        "secret": webhook_secret(ctx.settings.master_key, webhook.id, webhook.salt),
    }
    return answer, 201, {"Location": uri}


def get_webhook(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = find_webhook(session, caller.tenant_id, id)
        deliveries = [_delivery_view(logged) for logged in recent_deliveries(session, webhook.id)]
        return {**webhook_view(webhook), "deliveries": deliveries}, 200


def update_webhook(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        webhook = find_webhook(session, caller.tenant_id, id)
        if body.get("webhook_id", id) != id:
            raise conflict("The body's webhook_id differs from the path's id")
        replace_webhook(session, webhook, body, ctx.settings.webhook_allow_private)
        return webhook_view(webhook), 200


def delete_webhook(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        remove_webhook(session, find_webhook(session, caller.tenant_id, id))
    return {"message": "Webhook deleted successfully"}, 200
