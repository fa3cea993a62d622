"""Sending the outbox: one pass (``send_due``) and the background loop of serving.

A pass selects pending messages that are due with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL:
rows another worker is claiming are passed over), then claims each with a conditional update
of its claim counter (so that on any database two workers never send one message), hands it
to the transport off the event loop, and records the outcome: sent (the body and link, which
carry the flow's token, are cleared), or tried again after ``backoff(attempt)`` until the last
allowed attempt marks it failed. A worker stopped mid-send leaves a claim that runs out after
the lease, and the message is sent again then.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import anyio
import anyio.to_thread
from sqlalchemy import select, update

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.people.mail_transport import Outgoing, Transport, transport_from_url
from contractkit.impl.blaize.people.models import OutboxMessage
from contractkit.impl.db import rows_affected
from contractkit.impl.timeutil import utcnow

logger = logging.getLogger("contractkit.impl.blaize.mail")

BATCH = 20
LEASE = timedelta(minutes=2)
"""How long a claim keeps other workers away from a message."""
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
ERROR_LENGTH = 500


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1, 2, ...): 30 s doubling, at most an hour."""
    return min(BASE_DELAY * 2 ** min(attempt - 1, 16), MAX_DELAY)


def configured_transport(ctx: BlaizeContext) -> Transport:
    settings = ctx.settings
    return transport_from_url(settings.smtp_url, Path(settings.mail_folder), settings.mail_from)


def _claim_due(ctx: BlaizeContext, now: datetime, limit: int) -> list[Outgoing]:
    """Claim up to ``limit`` due messages for one attempt each."""
    with ctx.db.transaction() as session:
        due = session.execute(
            select(OutboxMessage.id, OutboxMessage.claims)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed: list[Outgoing] = []
        for row in due:
            taken = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row.id,
                    OutboxMessage.claims == row.claims,
                    OutboxMessage.status == "pending",
                )
                .values(claims=row.claims + 1, next_attempt_at=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            if rows_affected(taken) != 1:
                continue
            message = session.get_one(OutboxMessage, row.id)
            claimed.append(
                Outgoing(
                    message_id=message.id,
                    recipient=message.recipient,
                    subject=message.subject,
                    body=message.body,
                    link=message.link,
                )
            )
        return claimed


def _record(ctx: BlaizeContext, message_id: int, error: str | None, now: datetime) -> None:
    with ctx.db.transaction() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            return
        message.attempts += 1
        if error is None:
            message.status = "sent"
            message.sent_at = now
            message.next_attempt_at = None
            message.error = None
            message.body = ""
            message.link = None
        elif message.attempts >= ctx.settings.mail_max_attempts:
            message.status = "failed"
            message.next_attempt_at = None
            message.error = error
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            message.error = error


def _send_one(ctx: BlaizeContext, transport: Transport, outgoing: Outgoing) -> None:
    try:
        transport.deliver(outgoing)
    except Exception as error:  # any failure to hand the message on is the attempt's result
        text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        logger.warning("mail %s to %s not sent: %s", outgoing.message_id, outgoing.recipient, text)
        _record(ctx, outgoing.message_id, text, utcnow())
        return
    _record(ctx, outgoing.message_id, None, utcnow())


def send_due_now(
    ctx: BlaizeContext,
    transport: Transport | None = None,
    now: datetime | None = None,
    limit: int = BATCH,
) -> int:
    """One pass, in the calling thread: send every message due at ``now``; how many tried."""
    chosen = transport or configured_transport(ctx)
    claimed = _claim_due(ctx, now or utcnow(), limit)
    for outgoing in claimed:
        _send_one(ctx, chosen, outgoing)
    return len(claimed)


async def _serve(ctx: BlaizeContext) -> None:
    transport = configured_transport(ctx)
    while True:
        tried = 0
        try:
            tried = await anyio.to_thread.run_sync(send_due_now, ctx, transport)
        except Exception:  # a failed pass (e.g. the database is away) must not end the loop
            logger.exception("mail delivery pass failed")
        if tried < BATCH:
            await anyio.sleep(ctx.settings.mail_poll_seconds)


@asynccontextmanager
async def mailing(ctx: BlaizeContext) -> AsyncIterator[None]:
    """Send the outbox in the background while the block runs (the app's lifespan)."""
    async with anyio.create_task_group() as group:
        group.start_soon(_serve, ctx)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
