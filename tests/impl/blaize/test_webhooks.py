"""Webhooks: CRUD, and real delivery (signed, retried) to receivers on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise

import anyio.to_thread
import httpx
import pytest
import yaml
from sqlalchemy import func, select
from starlette.testclient import TestClient

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.blaize.webhooks.dispatch import deliver_due, prune
from contractkit.impl.blaize.webhooks.events import TRIGGERS
from contractkit.impl.blaize.webhooks.models import WebhookDelivery
from contractkit.impl.blaize.webhooks.signing import signature_header, verify
from contractkit.impl.config import ConfigurationError, Settings, load_settings
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.receiver import Call, Receiver
from tests.impl.blaize.test_accounts_and_companies import new_account, new_user

BACKOFF = 10
MAX_ATTEMPTS = 3


@pytest.fixture
def blaize_env(blaize_env: dict[str, str]) -> dict[str, str]:
    return {
        **blaize_env,
        "BLAIZE_WEBHOOK_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "BLAIZE_WEBHOOK_BACKOFF_SECONDS": str(BACKOFF),
        "BLAIZE_WEBHOOK_TIMEOUT_SECONDS": "2",
        "BLAIZE_WEBHOOK_ALLOW_PRIVATE": "1",  # the receivers listen on loopback
    }


@pytest.fixture
def ctx(settings: Settings, database: Database, app) -> BlaizeContext:  # type: ignore[no-untyped-def]
    """The services the app's handlers and dispatcher use (same settings, same database)."""
    return BlaizeContext.build(load_blaize_settings(settings), database, "/blaize")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


async def new_webhook(
    client: httpx.AsyncClient, admin: Admin, target: str, triggers: list[str], **fields: str
) -> dict[str, str]:
    body = {"label": "Test webhook", "triggers": triggers, "target": target, **fields}
    response = await client.post("/v3/webhooks", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


def signed_by(secret: str, call: Call) -> bool:
    """The documented check, written out: HMAC-SHA256 of ``<t>.<body>``, keyed with the secret."""
    fields = dict(part.split("=", 1) for part in call.headers["Blaize-Signature"].split(","))
    message = fields["t"].encode() + b"." + call.body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def details(client: httpx.AsyncClient, admin: Admin, webhook_id: str) -> dict:
    response = await client.get(f"/v3/webhooks/{webhook_id}", headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def pending_rows(database: Database) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(WebhookDelivery))


# ----------------------------------------------------------------------------- CRUD


async def test_webhook_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    created = await new_webhook(client, admin, "http://localhost:9999", ["user.create"])
    webhook_id = created["webhook_id"]
    assert created["uri"] == f"/blaize/v3/webhooks/{webhook_id}"
    assert len(created["secret"]) == 43
    stored = {
        "webhook_id": webhook_id,
        "label": "Test webhook",
        "triggers": ["user.create"],
        "method": "POST",
        "target": "http://localhost:9999",
    }
    assert await details(client, admin, webhook_id) == {**stored, "deliveries": []}
    listing = await client.get("/v3/webhooks", headers=admin.headers)
    assert listing.json() == {"results": [stored]}

    replacement = {"triggers": ["grant.create", "user.delete"], "method": "PUT"}
    replacement["target"] = "https://hooks.example.com/blaize?token=abc"
    replaced = await client.put(
        f"/v3/webhooks/{webhook_id}",
        json={"webhook_id": webhook_id, **replacement},
        headers=admin.headers,
    )
    assert replaced.status_code == 200
    assert replaced.json() == {"webhook_id": webhook_id, **replacement}
    assert await details(client, admin, webhook_id) == {
        "webhook_id": webhook_id,
        **replacement,
        "deliveries": [],
    }

    deleted = await client.delete(f"/v3/webhooks/{webhook_id}", headers=admin.headers)
    assert deleted.json() == {"message": "Webhook deleted successfully"}
    for response in (
        await client.get(f"/v3/webhooks/{webhook_id}", headers=admin.headers),
        await client.delete(f"/v3/webhooks/{webhook_id}", headers=admin.headers),
        await client.put(f"/v3/webhooks/{webhook_id}", json=replacement, headers=admin.headers),
    ):
        assert response.status_code == 404
    assert (await client.get("/v3/webhooks", headers=admin.headers)).json() == {"results": []}


async def test_refusals(client: httpx.AsyncClient, admin: Admin) -> None:
    webhook_id = (await new_webhook(client, admin, "http://localhost:9999", []))["webhook_id"]
    url = f"/v3/webhooks/{webhook_id}"
    for target in ("mailto:ops@example.com", "ftp://example.com/x", "http:/no-host", "urn:x:y"):
        body = {"triggers": ["user.create"], "target": target}
        created = await client.post("/v3/webhooks", json=body, headers=admin.headers)
        assert created.status_code == 409, target
        assert (await client.put(url, json=body, headers=admin.headers)).status_code == 409
    other_id = {"webhook_id": "another", "triggers": [], "target": "http://localhost:1"}
    assert (await client.put(url, json=other_id, headers=admin.headers)).status_code == 409
    unknown_trigger = {"triggers": ["user.login"], "target": "http://localhost:1"}
    assert (
        await client.post("/v3/webhooks", json=unknown_trigger, headers=admin.headers)
    ).status_code == 400
    nul_label = {"label": "a\x00b", "triggers": [], "target": "http://localhost:1"}
    assert (
        await client.post("/v3/webhooks", json=nul_label, headers=admin.headers)
    ).status_code == 409
    assert (await details(client, admin, webhook_id))["target"] == "http://localhost:9999"
    listing = (await client.get("/v3/webhooks", headers=admin.headers)).json()["results"]
    assert [webhook["webhook_id"] for webhook in listing] == [webhook_id]


async def test_only_admins_handle_webhooks(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    webhook_id = (await new_webhook(client, admin, "http://localhost:9999", []))["webhook_id"]
    body = {"triggers": [], "target": "http://localhost:9999"}
    for role in ("viewer", "editor"):
        other = admin_factory(f"{role}@example.com", role=role)
        for response in (
            await client.get("/v3/webhooks", headers=other.headers),
            await client.post("/v3/webhooks", json=body, headers=other.headers),
            await client.get(f"/v3/webhooks/{webhook_id}", headers=other.headers),
            await client.put(f"/v3/webhooks/{webhook_id}", json=body, headers=other.headers),
            await client.delete(f"/v3/webhooks/{webhook_id}", headers=other.headers),
        ):
            assert response.status_code == 403, (role, response.request.method)
    assert (await client.get("/v3/webhooks")).status_code == 401


async def test_tenants_see_only_their_webhooks(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    webhook_id = (await new_webhook(client, admin, "http://localhost:9999", []))["webhook_id"]
    stranger = admin_factory("boss@other.example", tenant="other")
    body = {"triggers": [], "target": "http://localhost:9999"}
    for response in (
        await client.get(f"/v3/webhooks/{webhook_id}", headers=stranger.headers),
        await client.put(f"/v3/webhooks/{webhook_id}", json=body, headers=stranger.headers),
        await client.delete(f"/v3/webhooks/{webhook_id}", headers=stranger.headers),
    ):
        assert response.status_code == 404
    listing = await client.get("/v3/webhooks", headers=stranger.headers)
    assert listing.json() == {"results": []}
    assert (await details(client, admin, webhook_id))["triggers"] == []


# ----------------------------------------------------------------------------- delivery


async def test_user_creation_is_delivered_signed(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, receiver: Receiver
) -> None:
    created = await new_webhook(client, admin, receiver.url + "hook", ["user.create"])
    user_id = await new_user(client, admin, "joe@company.com")
    assert receiver.calls == []  # nothing is sent on the request's path

    assert await deliver_due(ctx) == 1
    [call] = receiver.calls
    assert (call.method, call.path) == ("POST", "/hook")
    assert signed_by(created["secret"], call)
    assert not signed_by(created["secret"] + "x", call)
    event = json.loads(call.body)
    assert event["event"] == "user.create"
    assert event["tenant"] == admin.tenant
    assert event["data"] == {
        "user_id": user_id,
        "identifiers": {"email_address": "joe@company.com"},
        "attributes": {},
        "email_verified": False,
    }
    assert call.headers["Content-Type"] == "application/json"
    assert call.headers["Blaize-Event"] == "user.create"
    assert call.headers["Blaize-Event-Id"] == event["id"]
    assert call.headers["Blaize-Webhook-Id"] == created["webhook_id"]
    assert call.headers["Blaize-Delivery-Attempt"] == "1"

    [delivery] = (await details(client, admin, created["webhook_id"]))["deliveries"]
    assert delivery["delivery_id"] == call.headers["Blaize-Delivery-Id"]
    assert (delivery["event"], delivery["event_id"]) == ("user.create", event["id"])
    assert delivery["status"] == "delivered"
    assert "next_attempt_at" not in delivery
    [attempt] = delivery["attempts"]
    assert (attempt["attempt"], attempt["status_code"]) == (1, 200)
    assert await deliver_due(ctx) == 0
    assert len(receiver.calls) == 1


async def test_the_webhook_method_is_used(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, receiver: Receiver
) -> None:
    created = await new_webhook(client, admin, receiver.url, ["user.create"], method="PUT")
    await new_user(client, admin, "joe@company.com")
    await deliver_due(ctx)
    [call] = receiver.calls
    assert call.method == "PUT"
    assert signed_by(created["secret"], call)


async def test_failed_attempts_are_retried_with_growing_delays(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext
) -> None:
    receiver = Receiver([500, 500, 200]).start()
    try:
        created = await new_webhook(client, admin, receiver.url, ["user.create"])
        await new_user(client, admin, "joe@company.com")
        start = utcnow()
        assert await deliver_due(ctx, start) == 1
        assert await deliver_due(ctx, start + timedelta(seconds=BACKOFF - 1)) == 0
        pending = (await details(client, admin, created["webhook_id"]))["deliveries"][0]
        assert pending["status"] == "pending"
        assert at(pending["next_attempt_at"]) == at(pending["attempts"][0]["attempted_at"]) + (
            timedelta(seconds=BACKOFF)
        )
        assert await deliver_due(ctx, start + timedelta(seconds=BACKOFF)) == 1
        assert await deliver_due(ctx, start + timedelta(seconds=3 * BACKOFF - 1)) == 0
        assert await deliver_due(ctx, start + timedelta(seconds=3 * BACKOFF)) == 1
        assert await deliver_due(ctx, start + timedelta(days=30)) == 0
    finally:
        receiver.stop()

    [delivery] = (await details(client, admin, created["webhook_id"]))["deliveries"]
    assert delivery["status"] == "delivered"
    attempts = delivery["attempts"]
    assert [(a["attempt"], a["status_code"]) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    times = [at(a["attempted_at"]) for a in attempts]
    delays = [later - earlier for earlier, later in pairwise(times)]
    assert delays == [timedelta(seconds=BACKOFF), timedelta(seconds=2 * BACKOFF)]
    calls = receiver.calls
    assert [call.headers["Blaize-Delivery-Attempt"] for call in calls] == ["1", "2", "3"]
    assert len({call.body for call in calls}) == 1
    assert len({call.headers["Blaize-Event-Id"] for call in calls}) == 1
    assert all(signed_by(created["secret"], call) for call in calls)


async def test_an_unreachable_target_fails_after_the_last_attempt(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext
) -> None:
    created = await new_webhook(client, admin, closed_port_url(), ["user.create"])
    await new_user(client, admin, "joe@company.com")
    moment = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        assert await deliver_due(ctx, moment) == 1
        moment += timedelta(seconds=BACKOFF * 2**attempt)
    assert await deliver_due(ctx, moment + timedelta(days=30)) == 0
    [delivery] = (await details(client, admin, created["webhook_id"]))["deliveries"]
    assert delivery["status"] == "failed"
    assert "next_attempt_at" not in delivery
    assert [a["attempt"] for a in delivery["attempts"]] == [1, 2, 3]
    for attempt in delivery["attempts"]:
        assert "status_code" not in attempt
        assert attempt["error"].startswith("ConnectError")


async def test_redirects_are_not_followed(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext
) -> None:
    receiver = Receiver([302]).start()
    try:
        created = await new_webhook(client, admin, receiver.url, ["user.create"])
        await new_user(client, admin, "joe@company.com")
        assert await deliver_due(ctx) == 1
    finally:
        receiver.stop()
    assert [call.path for call in receiver.calls] == ["/"]
    [delivery] = (await details(client, admin, created["webhook_id"]))["deliveries"]
    assert delivery["status"] == "pending"
    assert delivery["attempts"][0]["status_code"] == 302


async def test_a_rolled_back_change_sends_nothing(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, database: Database, receiver
) -> None:  # type: ignore[no-untyped-def]
    await new_webhook(client, admin, receiver.url, ["user.create"])
    one = {"identifiers": {"email_address": "ann@company.com"}, "validators": {"password": "pw"}}
    again = {"identifiers": {"email_address": "ANN@company.com"}, "validators": {"password": "pw"}}
    refused = await client.post("/v3/users", json=[one, again], headers=admin.headers)
    assert refused.status_code == 409
    assert pending_rows(database) == 0
    assert await deliver_due(ctx, utcnow() + timedelta(days=1)) == 0
    assert receiver.calls == []


async def test_only_subscribed_webhooks_of_the_tenant_are_called(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, ctx: BlaizeContext
) -> None:
    subscribed, unsubscribed, stranger_receiver = (Receiver().start() for _ in range(3))
    try:
        await new_webhook(client, admin, subscribed.url, ["user.create"])
        await new_webhook(client, admin, unsubscribed.url, ["user.delete", "grant.create"])
        stranger = admin_factory("boss@other.example", tenant="other")
        await new_webhook(client, stranger, stranger_receiver.url, ["user.create"])
        await new_user(client, admin, "joe@company.com")
        assert await deliver_due(ctx) == 1
    finally:
        for receiver in (subscribed, unsubscribed, stranger_receiver):
            receiver.stop()
    assert len(subscribed.calls) == 1
    assert unsubscribed.calls == []
    assert stranger_receiver.calls == []


async def test_user_grant_and_membership_changes_are_events(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, receiver: Receiver
) -> None:
    triggers = [
        "user.create",
        "user.update",
        "user.delete",
        "grant.create",
        "grant.update",
        "grant.delete",
        "account_user.create",
        "account_user.delete",
    ]
    await new_webhook(client, admin, receiver.url, triggers)
    user = await new_user(client, admin, "joe@company.com")
    account = await new_account(client, admin, name="Team")
    headers = admin.headers
    entitlement = {"entitlement_type": "entitlement", "entitlement_id": "news"}
    created = await client.post("/v3/entitlements/news", json={"label": "News"}, headers=headers)
    assert created.status_code == 201, created.text
    for response in (
        await client.patch(f"/v3/users/{user}/attributes", json={"plan": "gold"}, headers=headers),
        await client.post(f"/v3/users/{user}/grants/g1", json=entitlement, headers=headers),
        await client.post(f"/v3/users/{user}/grants/g1", json=entitlement, headers=headers),
        await client.put(f"/v3/accounts/{account}/users/{user}", headers=headers),
        await client.delete(f"/v3/users/{user}", headers=headers),
    ):
        assert response.is_success, response.text
    assert await deliver_due(ctx) == 8

    events = sorted(
        (json.loads(call.body) for call in receiver.calls),
        key=lambda event: at(event["created_at"]),
    )
    assert [event["event"] for event in events] == [
        "user.create",
        "user.update",
        "grant.create",
        "grant.update",
        "account_user.create",
        "grant.delete",
        "account_user.delete",
        "user.delete",
    ]
    by_name = {event["event"]: event for event in events}
    assert by_name["user.update"]["changed"] == ["attributes"]
    assert by_name["user.update"]["data"]["attributes"] == {"plan": "gold"}
    assert by_name["grant.update"]["data"] == {"grantId": "g1", **entitlement, "user_id": user}
    assert by_name["account_user.create"]["data"] == {"user_id": user, "account_id": account}
    assert by_name["user.delete"]["data"]["user_id"] == user


async def test_deleting_a_webhook_drops_its_deliveries(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, database: Database, receiver
) -> None:  # type: ignore[no-untyped-def]
    created = await new_webhook(client, admin, receiver.url, ["user.create"])
    await new_user(client, admin, "joe@company.com")
    assert pending_rows(database) == 1
    await client.delete(f"/v3/webhooks/{created['webhook_id']}", headers=admin.headers)
    assert pending_rows(database) == 0
    assert await deliver_due(ctx) == 0
    assert receiver.calls == []


async def test_finished_deliveries_are_forgotten_after_the_retention_period(
    client: httpx.AsyncClient, admin: Admin, ctx: BlaizeContext, database: Database, receiver
) -> None:  # type: ignore[no-untyped-def]
    created = await new_webhook(client, admin, receiver.url, ["user.create", "user.delete"])
    user = await new_user(client, admin, "joe@company.com")
    assert await deliver_due(ctx) == 1
    await client.delete(f"/v3/users/{user}", headers=admin.headers)
    later = utcnow() + timedelta(days=ctx.settings.webhook_retention_days, minutes=1)
    assert await anyio.to_thread.run_sync(prune, ctx, later) == 1
    [left] = (await details(client, admin, created["webhook_id"]))["deliveries"]
    assert (left["event"], left["status"]) == ("user.delete", "pending")


def test_the_served_app_delivers_in_the_background(app, admin: Admin, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    """Under the ASGI lifespan (as uvicorn runs it) a dispatcher sends, and stops at shutdown."""
    threads_before = set(threading.enumerate())
    with TestClient(app, base_url="http://testserver/blaize") as served:
        body = {"triggers": ["user.create"], "target": receiver.url}
        created = served.post("/v3/webhooks", json=body, headers=admin.headers).json()
        user = {
            "identifiers": {"email_address": "joe@company.com"},
            "validators": {"password": "pw"},
        }
        assert served.post("/v3/users", json=user, headers=admin.headers).status_code == 201
        calls = receiver.wait_for(1, timeout=30)
        assert len(calls) == 1
        assert signed_by(created["secret"], calls[0])
    for thread in set(threading.enumerate()) - threads_before:
        thread.join(timeout=30)  # the event loop's worker threads end once it has closed
        assert not thread.is_alive(), thread


# ----------------------------------------------------------------------------- parts


def test_signatures_verify_with_the_secret_only_when_fresh() -> None:
    body = b'{"event":"user.create"}'
    header = signature_header("s3cret", 1_700_000_000, body)
    assert verify("s3cret", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, body + b" ", now=1_700_000_100)
    assert not verify("other", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, body, now=1_700_000_301)
    assert not verify("s3cret", "v1=abc", body, now=1_700_000_000)
    assert not verify("s3cret", header + ",t=1", body, now=1_700_000_000)


@pytest.mark.parametrize("attempts", ["0", "51", "many"])
def test_max_attempts_is_checked(blaize_env: dict[str, str], attempts: str) -> None:
    env = {**blaize_env, "BLAIZE_WEBHOOK_MAX_ATTEMPTS": attempts}
    with pytest.raises(ConfigurationError):
        load_blaize_settings(load_settings(env))


def test_the_trigger_catalogue_is_the_specified_one(specs_root) -> None:  # type: ignore[no-untyped-def]
    components = yaml.safe_load((specs_root / "blaize" / "components.yaml").read_text())
    assert components["components"]["schemas"]["WebhookTrigger"]["enum"] == list(TRIGGERS)
