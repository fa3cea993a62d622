"""Two dispatchers (as two server processes or instances run) on one database."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.blaize.webhooks.dispatch import deliver_due
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin
from tests.impl.blaize.receiver import Receiver
from tests.impl.blaize.test_accounts_and_companies import new_user
from tests.impl.blaize.test_webhooks import (  # noqa: F401 (fixtures)
    blaize_env,
    ctx,
    new_webhook,
    receiver,
)

USERS = 12


async def test_two_dispatchers_deliver_each_event_exactly_once(
    client: httpx.AsyncClient,
    admin: Admin,
    settings: Settings,
    ctx: BlaizeContext,  # noqa: F811
    receiver: Receiver,  # noqa: F811
) -> None:
    await new_webhook(client, admin, receiver.url + "hook", ["user.create"])
    for n in range(USERS):
        await new_user(client, admin, f"user{n}@company.com")

    # A second dispatcher with its own engine and connections, as another process has.
    other_database = Database(settings.database_url)
    other = BlaizeContext.build(load_blaize_settings(settings), other_database, "/blaize")
    try:
        sent = await asyncio.gather(*(deliver_due(each) for each in (ctx, other, ctx, other)))
        assert await deliver_due(ctx) == 0
        assert await deliver_due(other) == 0
    finally:
        other_database.dispose()

    events = Counter(call.headers["Blaize-Event-Id"] for call in receiver.calls)
    assert len(events) == USERS
    assert set(events.values()) == {1}
    assert sum(sent) == USERS
