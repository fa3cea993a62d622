"""Webhooks may not call the server's own network unless the operator allows it."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import replace

import httpx
import pytest

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.blaize.webhooks import targets
from contractkit.impl.blaize.webhooks.dispatch import deliver_due
from contractkit.impl.blaize.webhooks.registry import add_webhook
from contractkit.impl.blaize.webhooks.targets import TargetRefused, is_internal, pinned
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin
from tests.impl.blaize.receiver import Receiver
from tests.impl.blaize.test_accounts_and_companies import new_user

INTERNAL = [
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://api.localhost/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
]


@pytest.mark.parametrize("target", INTERNAL)
async def test_internal_targets_are_refused_when_saved(
    client: httpx.AsyncClient, admin: Admin, target: str
) -> None:
    body = {"triggers": ["user.create"], "target": target}
    answer = await client.post("/v3/webhooks", json=body, headers=admin.headers)
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert error["status"] == 400
    assert [detail["field"] for detail in error["details"]] == ["target"]


async def test_internal_targets_are_refused_when_replaced(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    body = {"triggers": ["user.create"], "target": "https://hooks.example.com/in"}
    created = await client.post("/v3/webhooks", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    webhook_id = created.json()["webhook_id"]
    replaced = await client.put(
        f"/v3/webhooks/{webhook_id}",
        json={**body, "target": "http://10.0.0.7/in"},
        headers=admin.headers,
    )
    assert replaced.status_code == 400, replaced.text


async def test_a_saved_target_that_resolves_inside_is_not_called(
    client: httpx.AsyncClient,
    admin: Admin,
    settings: Settings,
    database: Database,
) -> None:
    """Saved while private targets were allowed; delivered after the operator forbade them."""
    receiver = Receiver().start()
    try:
        allowed = replace(load_blaize_settings(settings), webhook_allow_private=True)
        port = receiver.url.rsplit(":", 1)[1].rstrip("/")
        named = f"http://localhost:{port}/hook"  # a name, resolved at delivery
        assert allowed.webhook_allow_private
        with database.transaction() as session:
            add_webhook(session, admin.tenant, {"triggers": ["user.create"], "target": named}, True)
        await new_user(client, admin, "joe@company.com")
        forbidden = BlaizeContext.build(load_blaize_settings(settings), database, "/blaize")
        assert await deliver_due(forbidden) == 1
        assert receiver.calls == []
        listed = await client.get("/v3/webhooks", headers=admin.headers)
        webhook_id = listed.json()["results"][0]["webhook_id"]
        details = await client.get(f"/v3/webhooks/{webhook_id}", headers=admin.headers)
        [attempt] = details.json()["deliveries"][0]["attempts"]
        assert attempt["error"].startswith("Refused: localhost resolves to the internal address")
    finally:
        receiver.stop()


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("169.254.1.1", True),
        ("224.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
    ],
)
def test_internal_ranges(address: str, internal: bool) -> None:
    assert is_internal(ipaddress.ip_address(address)) is internal


async def test_a_name_is_called_at_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def resolve(host: str, port: int) -> list[ipaddress.IPv4Address]:
        if host != "hooks.example.com":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.IPv4Address("93.184.216.34")]

    monkeypatch.setattr(targets, "_addresses", resolve)
    request = await pinned("https://hooks.example.com:8443/in?x=1")
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers == {"Host": "hooks.example.com:8443"}
    assert request.extensions == {"sni_hostname": "hooks.example.com"}
    with pytest.raises(TargetRefused, match="could not be resolved"):
        await pinned("http://nowhere.invalid/")
