"""User flows that go through the user's mailbox: single-use, expiring tokens and messages.

A flow stores only the SHA-256 of its token. The link to follow is sent as a message through
a :class:`Sender`; the default one keeps messages in the ``blaize_outbox`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import OutboxMessage, UserToken
from contractkit.impl.blaize.tenancy.ids import digest, new_secret
from contractkit.impl.timeutil import as_utc, utcnow

FLOW_TTL = {
    "email_update": timedelta(hours=24),
    "password_reset": timedelta(hours=1),
    "passwordless": timedelta(minutes=15),
}


@dataclass(frozen=True)
class Message:
    tenant_id: str
    kind: str
    recipient: str
    subject: str
    body: str


class Sender(Protocol):
    def send(self, session: Session, message: Message) -> None: ...


class OutboxSender:
    """Keeps every message in the outbox table, in the request's transaction."""

    def send(self, session: Session, message: Message) -> None:
        session.add(
            OutboxMessage(
                tenant_id=message.tenant_id,
                kind=message.kind,
                recipient=message.recipient,
                subject=message.subject,
                body=message.body,
            )
        )


def start_flow(
    session: Session,
    tenant_id: str,
    purpose: str,
    user_id: str | None,
    payload: dict[str, Any],
) -> str:
    """A new token for the flow; only its digest is stored."""
    token = new_secret()
    session.add(
        UserToken(
            token_hash=digest(token),
            tenant_id=tenant_id,
            user_id=user_id,
            purpose=purpose,
            payload=payload,
            expires_at=utcnow() + FLOW_TTL[purpose],
        )
    )
    return token


class TokenRefused(Exception):
    """Unknown, expired, already used, or for another purpose or tenant."""


def redeem(session: Session, tenant_id: str, purpose: str, token: str) -> UserToken:
    """Use the token once: later attempts are refused."""
    row = session.get(UserToken, digest(token))
    if (
        row is None
        or row.tenant_id != tenant_id
        or row.purpose != purpose
        or row.used_at is not None
        or as_utc(row.expires_at) <= utcnow()
    ):
        raise TokenRefused(purpose)
    row.used_at = utcnow()
    return row
