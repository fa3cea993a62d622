"""User flows that go through the user's mailbox: single-use, expiring tokens and messages.

A flow stores only the SHA-256 of its token. The link to follow is sent as a message through
a :class:`Sender`; the default one writes it to the ``blaize_outbox`` table in the flow's own
transaction, and the mail worker (``blaize.people.mail_delivery``) sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import OutboxMessage, UserToken
from contractkit.impl.blaize.tenancy.ids import digest, new_secret
from contractkit.impl.db import rows_affected
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
    link: str


class Sender(Protocol):
    def send(self, session: Session, message: Message) -> None: ...


class OutboxSender:
    """Writes every message to the outbox table, in the request's transaction."""

    def send(self, session: Session, message: Message) -> None:
        session.add(
            OutboxMessage(
                tenant_id=message.tenant_id,
                kind=message.kind,
                recipient=message.recipient,
                subject=message.subject,
                body=message.body,
                link=message.link,
                status="pending",
                next_attempt_at=utcnow(),
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
    """The token cannot be used: ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, purpose: str, reason: str) -> None:
        super().__init__(f"{purpose}: {reason}")
        self.purpose = purpose
        self.reason = reason


def check(session: Session, purpose: str, token: str) -> UserToken:
    """The flow's token row if it can still be used (not used, not expired), else refused."""
    row = session.get(UserToken, digest(token))
    if row is None or row.purpose != purpose:
        raise TokenRefused(purpose, "unknown")
    if row.used_at is not None:
        raise TokenRefused(purpose, "used")
    if as_utc(row.expires_at) <= utcnow():
        raise TokenRefused(purpose, "expired")
    return row


def redeem(session: Session, purpose: str, token: str) -> UserToken:
    """Use the token once: a conditional update, so that of two requests racing with one
    token only one succeeds; later attempts are refused (``used``)."""
    row = check(session, purpose, token)
    taken = session.execute(
        update(UserToken)
        .where(UserToken.token_hash == row.token_hash, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_affected(taken) != 1:
        raise TokenRefused(purpose, "used")
    session.refresh(row)
    return row
