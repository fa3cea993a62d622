"""Password logins are throttled per account and per client address, in the database."""

from __future__ import annotations

import httpx
import pytest

from contractkit.impl.app import create_app
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import PASSWORD, Admin, AdminFactory
from tests.impl.blaize.test_sessions import create_user, credentials

ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 5


@pytest.fixture
def blaize_env(blaize_env: dict[str, str]) -> dict[str, str]:
    return {
        **blaize_env,
        "BLAIZE_LOGIN_MAX_FAILURES": str(ACCOUNT_LIMIT),
        "BLAIZE_LOGIN_ADDRESS_MAX_FAILURES": str(ADDRESS_LIMIT),
        "BLAIZE_LOGIN_WINDOW_SECONDS": "600",
    }


def admin_login(email: str, password: str) -> dict:
    return {"identifiers": {"email_address": email}, "validators": {"password": password}}


async def test_an_account_is_locked_after_its_failures_even_for_the_right_password(
    client: httpx.AsyncClient, admin_factory: AdminFactory
) -> None:
    admin_factory("ops@example.com")
    for _ in range(ACCOUNT_LIMIT):
        wrong = await client.post("/v3/admin/login", json=admin_login("ops@example.com", "no"))
        assert wrong.status_code == 401, wrong.text
    locked = await client.post("/v3/admin/login", json=admin_login("ops@example.com", PASSWORD))
    assert locked.status_code == 429, locked.text
    assert locked.json()["error"] == "too_many_requests"
    assert 500 < int(locked.headers["Retry-After"]) <= 600
    # Another account from the same address may still log in.
    admin_factory("dev@example.com")
    other = await client.post("/v3/admin/login", json=admin_login("dev@example.com", PASSWORD))
    assert other.status_code == 200, other.text


async def test_a_success_clears_the_accounts_failures(
    client: httpx.AsyncClient, admin_factory: AdminFactory
) -> None:
    admin_factory("ops@example.com")
    for _ in range(2):  # 4 failures in all: more than the account's limit, within the address's
        for _ in range(ACCOUNT_LIMIT - 1):
            wrong = await client.post("/v3/admin/login", json=admin_login("ops@example.com", "x"))
            assert wrong.status_code == 401
        right = await client.post("/v3/admin/login", json=admin_login("ops@example.com", PASSWORD))
        assert right.status_code == 200, right.text
        client.cookies.clear()


async def test_an_address_trying_many_accounts_is_blocked(
    client: httpx.AsyncClient, admin_factory: AdminFactory
) -> None:
    admin_factory("ops@example.com")
    for number in range(ADDRESS_LIMIT):
        guess = admin_login(f"guess{number}@example.com", "guess")
        assert (await client.post("/v3/admin/login", json=guess)).status_code == 401
    blocked = await client.post("/v3/admin/login", json=admin_login("ops@example.com", PASSWORD))
    assert blocked.status_code == 429, blocked.text
    assert "Retry-After" in blocked.headers


async def test_the_count_is_shared_by_every_worker(
    client: httpx.AsyncClient,
    admin_factory: AdminFactory,
    settings: Settings,
    database: Database,
) -> None:
    """A second app on the same database (another worker) sees the lock the first one set."""
    admin_factory("ops@example.com")
    for _ in range(ACCOUNT_LIMIT):
        await client.post("/v3/admin/login", json=admin_login("ops@example.com", "no"))
    other_worker = create_app(["blaize"], settings=load_settings(settings.env), database=database)
    transport = httpx.ASGITransport(app=other_worker)
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as second:
        again = await second.post("/v3/admin/login", json=admin_login("ops@example.com", PASSWORD))
    assert again.status_code == 429, again.text


async def test_end_user_password_sessions_are_throttled(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await create_user(client, admin, "joe@company.com")
    for _ in range(ACCOUNT_LIMIT):
        wrong = await client.post("/v3/sessions", json=credentials("joe@company.com", "nope"))
        assert wrong.status_code == 401, wrong.text
    locked = await client.post("/v3/sessions", json=credentials("joe@company.com"))
    assert locked.status_code == 429, locked.text
    site = await client.post("/v4/sessions/news", json=credentials("joe@company.com"))
    assert site.status_code == 429, site.text
