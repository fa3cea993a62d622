"""The tenant's webhooks: where each sends which events, created, replaced and removed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.signing import new_salt
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.models import Webhook
from contractkit.impl.blaize.webhooks.targets import saved_target_problem
from contractkit.impl.errors import ApiError, conflict

DEFAULT_METHOD = "POST"


def tenant_webhooks(session: Session, tenant_id: str) -> list[Webhook]:
    """The tenant's webhooks, oldest first."""
    return tenant_rows(session, Webhook, tenant_id)


def find_webhook(session: Session, tenant_id: str, webhook_id: str) -> Webhook:
    """The webhook with this id in the tenant, or 404."""
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


def _write_fields(webhook: Webhook, body: dict[str, Any], allow_private: bool) -> None:
    """Replace every field with the body's (``method`` defaults to POST).

    400 when the target is an internal address, unless ``allow_private``.
    """
    refuse_unstorable(body)
    if not _is_http_url(body["target"]):
        raise conflict("The target must be an absolute http or https URL")
    problem = None if allow_private else saved_target_problem(body["target"])
    if problem:
        raise ApiError(400, "invalid_data", problem, {"target": problem})
    webhook.label = body.get("label")
    webhook.triggers = list(body["triggers"])
    webhook.method = body.get("method", DEFAULT_METHOD)
    webhook.target = body["target"]


def add_webhook(
    session: Session, tenant_id: str, body: dict[str, Any], allow_private: bool = False
) -> Webhook:
    """A new webhook of the body's fields, with its own id and signing salt."""
    webhook = Webhook(id=new_id(), tenant_id=tenant_id, salt=new_salt())
    _write_fields(webhook, body, allow_private)
    session.add(webhook)
    return webhook


def replace_webhook(
    session: Session, webhook: Webhook, body: dict[str, Any], allow_private: bool = False
) -> None:
    """Replace every field of the webhook with the body's."""
    _write_fields(webhook, body, allow_private)
    session.flush()


def remove_webhook(session: Session, webhook: Webhook) -> None:
    """Delete the webhook (its deliveries go with it)."""
    session.delete(webhook)
