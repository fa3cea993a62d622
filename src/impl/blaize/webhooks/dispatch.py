"""Sending webhook deliveries: one pass (``deliver_due``) and the background loop of serving.

A pass takes the pending deliveries that are due, claims each one (a conditional update, so
that two dispatchers never send the same delivery at once), calls the webhook's target with
the signed body, and records the attempt: 2xx delivers, anything else waits
``backoff(attempt)`` for the next attempt, until the last allowed one marks it failed. The
database work runs in worker threads; the HTTP calls are asynchronous, a few at a time.

``dispatching(ctx)`` runs passes in the background for as long as the app is served (it is
the API's lifespan hook); stopping it cancels the pass under way, and a call cut short that
way is retried when its claim runs out.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
import anyio.to_thread
import httpx
from sqlalchemy import delete, select, update

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.blaize.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from contractkit.impl.blaize.webhooks.signing import HEADER, signature_header, webhook_secret
from contractkit.impl.blaize.webhooks.targets import TargetRefused, pinned
from contractkit.impl.db import rows_affected
from contractkit.impl.timeutil import utcnow

logger = logging.getLogger("contractkit.impl.blaize.webhooks")

BATCH = 50
"""Deliveries one pass takes at most."""
CONCURRENCY = 8
"""Calls one pass makes at once."""
MAX_DELAY = timedelta(days=1)
"""The longest wait between two attempts."""
PRUNE_EVERY = timedelta(hours=1)
ERROR_LENGTH = 500
USER_AGENT = "Blaize-Webhooks/1.0"


@dataclass(frozen=True)
class Job:
    """A claimed delivery, with what its attempt needs."""

    delivery_id: str
    webhook_id: str
    event: str
    event_id: str
    payload: bytes
    attempt: int
    method: str
    target: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    """The target's answer status, or why there was none."""

    status_code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff(settings: BlaizeSettings, attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1, 2, ...): base * 2^(attempt - 1)."""
    seconds = settings.webhook_backoff_seconds * 2 ** min(attempt - 1, 32)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def http_client(settings: BlaizeSettings) -> httpx.AsyncClient:
    """Short timeouts, no redirects followed."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


# ----------------------------------------------------------------------------- database steps


def _due(ctx: BlaizeContext, now: datetime, limit: int) -> list[tuple[str, int]]:
    with ctx.db.transaction() as session:
        rows = session.execute(
            select(WebhookDelivery.id, WebhookDelivery.claims)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
        return [(row.id, row.claims) for row in rows]


def _claim(ctx: BlaizeContext, delivery_id: str, claims: int, now: datetime) -> Job | None:
    """Take the delivery for one attempt, unless another dispatcher took it first."""
    lease = timedelta(seconds=3 * ctx.settings.webhook_timeout_seconds + 60)
    with ctx.db.transaction() as session:
        taken = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.claims == claims,
                WebhookDelivery.status == "pending",
            )
            .values(claims=claims + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if rows_affected(taken) != 1:
            return None
        delivery = session.get_one(WebhookDelivery, delivery_id)
        webhook = session.get_one(Webhook, delivery.webhook_id)
        return Job(
            delivery_id=delivery.id,
            webhook_id=webhook.id,
            event=delivery.event,
            event_id=delivery.event_id,
            payload=delivery.payload.encode("utf-8"),
            attempt=delivery.attempts + 1,
            method=webhook.method,
            target=webhook.target,
            secret=webhook_secret(ctx.settings.master_key, webhook.id, webhook.salt),
        )


def _record(ctx: BlaizeContext, job: Job, outcome: Outcome, now: datetime) -> None:
    """Keep the attempt; deliver, schedule the next attempt, or give up."""
    with ctx.db.transaction() as session:
        delivery = session.get(WebhookDelivery, job.delivery_id)
        if delivery is None:  # the webhook was deleted meanwhile
            return
        session.add(
            WebhookAttempt(
                delivery_id=job.delivery_id,
                number=job.attempt,
                attempted_at=now,
                status_code=outcome.status_code,
                error=outcome.error,
            )
        )
        delivery.attempts = job.attempt
        if outcome.ok or job.attempt >= ctx.settings.webhook_max_attempts:
            delivery.status = "delivered" if outcome.ok else "failed"
            delivery.next_attempt_at = None
            delivery.completed_at = now
        else:
            delivery.next_attempt_at = now + backoff(ctx.settings, job.attempt)


def prune(ctx: BlaizeContext, now: datetime) -> int:
    """Forget deliveries finished more than the retention period ago."""
    cutoff = now - timedelta(days=ctx.settings.webhook_retention_days)
    with ctx.db.transaction() as session:
        result = session.execute(
            delete(WebhookDelivery)
            .where(WebhookDelivery.completed_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return rows_affected(result)


# ----------------------------------------------------------------------------- the call


def _describe(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}".replace("\x00", "")
    return text[:ERROR_LENGTH]


async def _call(
    client: httpx.AsyncClient, job: Job, now: datetime, allow_private: bool = False
) -> Outcome:
    """Send the job's delivery; to a checked, non-internal address unless ``allow_private``."""
    url: httpx.URL | str = job.target
    pinned_headers: dict[str, str] = {}
    extensions: dict[str, str] = {}
    if not allow_private:
        try:
            request = await pinned(job.target)
        except TargetRefused as refused:
            return Outcome(error=f"Refused: {refused}")
        url, pinned_headers, extensions = request.url, request.headers, request.extensions
    headers = {
        **pinned_headers,
        "Content-Type": "application/json",
        "Blaize-Event": job.event,
        "Blaize-Event-Id": job.event_id,
        "Blaize-Webhook-Id": job.webhook_id,
        "Blaize-Delivery-Id": job.delivery_id,
        "Blaize-Delivery-Attempt": str(job.attempt),
        HEADER: signature_header(job.secret, int(now.timestamp()), job.payload),
    }
    try:
        async with client.stream(
            job.method, url, content=job.payload, headers=headers, extensions=extensions
        ) as response:
            status = response.status_code
    except Exception as error:  # any failure to get an answer is the attempt's result
        return Outcome(error=_describe(error))
    if not 100 <= status <= 599:
        return Outcome(error=f"Invalid HTTP status code {status}")
    return Outcome(status_code=status)


async def _attempt(
    ctx: BlaizeContext, client: httpx.AsyncClient, delivery: tuple[str, int], now: datetime | None
) -> bool:
    moment = now or utcnow()
    job = await anyio.to_thread.run_sync(_claim, ctx, *delivery, moment)
    if job is None:
        return False
    outcome = await _call(client, job, moment, ctx.settings.webhook_allow_private)
    await anyio.to_thread.run_sync(_record, ctx, job, outcome, moment)
    return True


async def deliver_due(
    ctx: BlaizeContext,
    now: datetime | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    limit: int = BATCH,
) -> int:
    """One pass: attempt every delivery due at ``now`` (the clock by default); how many."""
    due = await anyio.to_thread.run_sync(_due, ctx, now or utcnow(), limit)
    if not due:
        return 0
    made = 0
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    owned: AbstractAsyncContextManager[httpx.AsyncClient] = (
        nullcontext(client) if client is not None else http_client(ctx.settings)
    )

    async def one(http: httpx.AsyncClient, delivery: tuple[str, int]) -> None:
        nonlocal made
        async with limiter:
            attempted = await _attempt(ctx, http, delivery, now)
        made += attempted

    async with owned as http, anyio.create_task_group() as group:
        for delivery in due:
            group.start_soon(one, http, delivery)
    return made


# ----------------------------------------------------------------------------- serving


async def _serve(ctx: BlaizeContext) -> None:
    next_prune = utcnow()
    async with http_client(ctx.settings) as client:
        while True:
            made = 0
            try:
                if utcnow() >= next_prune:
                    await anyio.to_thread.run_sync(prune, ctx, utcnow())
                    next_prune = utcnow() + PRUNE_EVERY
                made = await deliver_due(ctx, client=client)
            except Exception:  # a failed pass (e.g. the database is away) must not end the loop
                logger.exception("webhook delivery pass failed")
            if made < BATCH:
                await anyio.sleep(ctx.settings.webhook_poll_seconds)


@asynccontextmanager
async def dispatching(ctx: BlaizeContext) -> AsyncIterator[None]:
    """Deliver webhooks in the background while the block runs (the app's lifespan)."""
    async with anyio.create_task_group() as group:
        group.start_soon(_serve, ctx)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
