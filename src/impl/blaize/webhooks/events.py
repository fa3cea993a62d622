"""Webhook events: the catalogue of triggers, and the outbox rows a change writes.

A handler that changes a user, a grant or a membership calls one of the functions below in
its own transaction; each subscribed webhook of the tenant gets a pending
``WebhookDelivery`` holding the exact body to send. A rolled-back change therefore sends
nothing; the dispatcher (``blaize.webhooks.dispatch``) sends what was committed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.people.models import Account, AccountUser, User
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import grant_view, membership_view, user_view
from contractkit.impl.blaize.webhooks.models import Webhook, WebhookDelivery
from contractkit.impl.timeutil import isoformat, utcnow

USER_CREATE = "user.create"
USER_UPDATE = "user.update"
USER_DELETE = "user.delete"
GRANT_CREATE = "grant.create"
GRANT_UPDATE = "grant.update"
GRANT_DELETE = "grant.delete"
ACCOUNT_USER_CREATE = "account_user.create"
ACCOUNT_USER_DELETE = "account_user.delete"

TRIGGERS = (
    USER_CREATE,
    USER_UPDATE,
    USER_DELETE,
    GRANT_CREATE,
    GRANT_UPDATE,
    GRANT_DELETE,
    ACCOUNT_USER_CREATE,
    ACCOUNT_USER_DELETE,
)
"""Every event a webhook can subscribe to (the ``WebhookTrigger`` enum of the spec)."""


def emit(
    session: Session,
    tenant_id: str,
    event: str,
    data: dict[str, Any],
    changed: list[str] | None = None,
) -> None:
    """Queue ``event`` for every webhook of the tenant subscribed to it."""
    webhooks = [
        webhook
        for webhook in session.scalars(
            select(Webhook).where(Webhook.tenant_id == tenant_id).order_by(Webhook.id)
        )
        if event in (webhook.triggers or ())
    ]
    if not webhooks:
        return
    now = utcnow()
    body: dict[str, Any] = {
        "id": new_id(),
        "event": event,
        "created_at": isoformat(now),
        "tenant": tenant_id,
        "data": data,
    }
    if changed:
        body["changed"] = changed
    payload = json.dumps(body, separators=(",", ":"))
    for webhook in webhooks:
        session.add(
            WebhookDelivery(
                id=new_id(),
                webhook_id=webhook.id,
                tenant_id=tenant_id,
                event=event,
                event_id=body["id"],
                payload=payload,
                status="pending",
                attempts=0,
                claims=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


def user_changed(
    session: Session, user: User, event: str, changed: list[str] | None = None
) -> None:
    """``user.create`` or ``user.update`` (``changed`` says what), with the user as now."""
    session.flush()
    emit(session, user.tenant_id, event, user_view(session, user), changed)


def grant_changed(session: Session, grant: Grant, event: str) -> None:
    """A grant event; the data is the grant's view with its holder added."""
    holder = {"user_id": grant.user_id} if grant.user_id else {"account_id": grant.account_id}
    emit(session, grant.tenant_id, event, {**grant_view(grant), **holder})


def membership_changed(
    session: Session, tenant_id: str, membership: AccountUser, event: str
) -> None:
    emit(session, tenant_id, event, membership_view(membership))


def _removed_with(session: Session, tenant_id: str, grants: Select, memberships: Select) -> None:
    """``grant.delete`` and ``account_user.delete`` for rows deleted with their owner."""
    for grant in list(session.scalars(grants)):
        grant_changed(session, grant, GRANT_DELETE)
    for membership in list(session.scalars(memberships)):
        membership_changed(session, tenant_id, membership, ACCOUNT_USER_DELETE)


def user_deleting(session: Session, user: User) -> None:
    """Events of a user about to be deleted: its grants, its memberships, then the user."""
    _removed_with(
        session,
        user.tenant_id,
        select(Grant).where(Grant.user_id == user.id).order_by(Grant.id),
        select(AccountUser).where(AccountUser.user_id == user.id).order_by(AccountUser.account_id),
    )
    emit(session, user.tenant_id, USER_DELETE, user_view(session, user))


def account_deleting(session: Session, account: Account) -> None:
    """Events of an account about to be deleted: its grants and its memberships."""
    _removed_with(
        session,
        account.tenant_id,
        select(Grant).where(Grant.account_id == account.id).order_by(Grant.id),
        select(AccountUser)
        .where(AccountUser.account_id == account.id)
        .order_by(AccountUser.user_id),
    )
