"""End-user sessions: credentials, expiry, sites, anonymous sessions, tenants and roles."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from contractkit.impl.blaize.people.models import UserSession
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.test_catalogue import add_entitlements

PASSWORD = "user-password-1"


def credentials(email: str, password: str = PASSWORD) -> dict:
    return {"identifiers": {"email_address": email}, "validators": {"password": password}}


async def create_user(client: httpx.AsyncClient, admin: Admin, email: str) -> str:
    response = await client.post("/v3/users", json=credentials(email), headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()["user_id"]


def count_sessions(database: Database) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(UserSession)) or 0)


def expire(database: Database, session_id: str) -> None:
    with database.transaction() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.id_hash == digest(session_id))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


async def test_a_session_from_credentials_is_looked_up_with_the_access_model(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    user_id = await create_user(client, admin, "joe@company.com")
    await add_entitlements(client, admin, "premium")
    granted = await client.post(
        f"/v3/users/{user_id}/grants",
        json={"entitlement_type": "entitlement", "entitlement_id": "premium"},
        headers=admin.headers,
    )
    assert granted.status_code == 201, granted.text
    opened = await client.post("/v3/sessions", json=credentials("JOE@company.com"))
    assert opened.status_code == 200, opened.text
    created = opened.json()
    assert created["user_id"] == user_id and created["authenticated"] is True
    assert created["expiryDate"].endswith(" UTC")

    looked_up = await client.get(f"/v3/sessions/{created['session_id']}", headers=admin.headers)
    assert looked_up.status_code == 200, looked_up.text
    body = looked_up.json()
    assert body["user_id"] == user_id
    assert [s["session_id"] for s in body["sessions"]] == [created["session_id"]]
    assert [e["id"] for e in body["access_model"]["delivered_entitlements"]] == ["premium"]
    assert body["session_variables"] == {}


async def test_wrong_credentials_get_401_and_open_no_session(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await create_user(client, admin, "joe@company.com")
    before = count_sessions(database)
    for body in (
        credentials("joe@company.com", "wrong password"),
        credentials("nobody@company.com"),
        {"identifiers": {"email_address": "joe@company.com"}, "validators": {"pin": "1234"}},
    ):
        for path in ("/v3/sessions", "/v4/sessions/news"):
            refused = await client.post(path, json=body)
            assert refused.status_code == 401, (path, body, refused.text)
            assert refused.json()["error"] == "unauthorized"
    assert count_sessions(database) == before


async def test_a_legacy_password_replaces_the_password(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    user_id = await create_user(client, admin, "joe@company.com")
    reset = await client.post(
        f"/v3/users/legacyPassword?user_id={user_id}",
        content=b"legacy-secret",
        headers={**admin.headers, "content-type": "text/plain"},
    )
    assert reset.status_code == 200, reset.text
    old = await client.post("/v3/sessions", json=credentials("joe@company.com"))
    assert old.status_code == 401
    legacy = credentials("joe@company.com", "legacy-secret")
    assert (await client.post("/v3/sessions", json=legacy)).status_code == 200


async def test_unverified_addresses_are_refused_when_the_tenant_requires_verification(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await create_user(client, admin, "joe@company.com")
    saved = await client.post(
        "/v3/configuration",
        json={"authentication.password.requireEmailVerfication": "true"},
        headers=admin.headers,
    )
    assert saved.status_code == 200
    before = count_sessions(database)
    refused = await client.post("/v3/sessions", json=credentials("joe@company.com"))
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert count_sessions(database) == before


async def test_sessions_expire(client: httpx.AsyncClient, admin: Admin, database: Database) -> None:
    user_id = await create_user(client, admin, "joe@company.com")
    first = (await client.post("/v3/sessions", json=credentials("joe@company.com"))).json()
    second = (await client.post("/v4/sessions/news", json=credentials("joe@company.com"))).json()
    expire(database, first["session_id"])
    assert (
        await client.get(f"/v3/sessions/{first['session_id']}", headers=admin.headers)
    ).status_code == 404
    live = (await client.get(f"/v3/sessions/{second['session_id']}", headers=admin.headers)).json()
    assert [s["session_id"] for s in live["sessions"]] == [second["session_id"]]
    cross_device = await client.get(f"/v3/users/{user_id}/session", headers=admin.headers)
    assert [s["session_id"] for s in cross_device.json()["sessions"]] == [second["session_id"]]
    expire(database, second["session_id"])
    gone = await client.get(f"/v4/sessions/news/{second['session_id']}", headers=admin.headers)
    assert gone.status_code == 404
    # Opening a new session purges the expired ones.
    await client.post("/v3/sessions", json=credentials("joe@company.com"))
    assert count_sessions(database) == 1


async def test_site_sessions_are_found_under_their_own_site_and_deleted(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await create_user(client, admin, "joe@company.com")
    news = (await client.post("/v4/sessions/news", json=credentials("joe@company.com"))).json()
    shop = (await client.post("/v4/sessions/shop", json=credentials("joe@company.com"))).json()
    url = f"/v4/sessions/news/{news['session_id']}"
    on_site = (await client.get(url, headers=admin.headers)).json()
    assert [s["session_id"] for s in on_site["sessions"]] == [news["session_id"]]
    every_site = await client.get(f"/v3/sessions/{news['session_id']}", headers=admin.headers)
    assert {s["session_id"] for s in every_site.json()["sessions"]} == {
        news["session_id"],
        shop["session_id"],
    }
    elsewhere = await client.get(f"/v4/sessions/shop/{news['session_id']}", headers=admin.headers)
    assert elsewhere.status_code == 404
    wrong_site = await client.delete(
        f"/v4/sessions/shop/{news['session_id']}", headers=admin.headers
    )
    assert wrong_site.status_code == 404

    deleted = await client.delete(url, headers=admin.headers)
    assert deleted.status_code == 200, deleted.text
    assert (await client.get(url, headers=admin.headers)).status_code == 404
    assert (await client.delete(url, headers=admin.headers)).status_code == 404
    shop_url = f"/v4/sessions/shop/{shop['session_id']}"
    assert (await client.get(shop_url, headers=admin.headers)).status_code == 200


async def test_anonymous_sessions(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    opened = await client.post("/v4/anonymous-sessions/news")
    assert opened.status_code == 200, opened.text
    anonymous = opened.json()
    assert anonymous["authenticated"] is False and "user_id" not in anonymous
    url = f"/v4/sessions/news/{anonymous['session_id']}"
    looked_up = (await client.get(url, headers=admin.headers)).json()
    assert "user_id" not in looked_up
    assert [s["session_id"] for s in looked_up["sessions"]] == [anonymous["session_id"]]
    assert looked_up["access_model"]["delivered_entitlements"] == []

    saved = await client.post(
        "/v3/configuration", json={"sessions.anonymous": "false"}, headers=admin.headers
    )
    assert saved.status_code == 200
    before = count_sessions(database)
    refused = await client.post("/v4/anonymous-sessions/news")
    assert refused.status_code == 403
    assert count_sessions(database) == before


async def test_a_site_id_with_nul_names_no_site(client: httpx.AsyncClient, admin: Admin) -> None:
    await create_user(client, admin, "joe@company.com")
    for path in ("/v4/anonymous-sessions/a%00b", "/v4/sessions/a%00b"):
        answered = await client.post(path, json=credentials("joe@company.com"))
        assert answered.status_code == 404, (path, answered.text)


async def test_the_admin_credential_chooses_the_tenant_and_a_bad_one_gets_401(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    other = admin_factory("other@example.com", tenant="other")
    await create_user(client, other, "joe@company.com")
    in_default = await client.post("/v3/sessions", json=credentials("joe@company.com"))
    assert in_default.status_code == 401
    in_other = await client.post(
        "/v3/sessions", json=credentials("joe@company.com"), headers=other.headers
    )
    assert in_other.status_code == 200, in_other.text
    session_id = in_other.json()["session_id"]
    # Other tenants do not see the session.
    assert (
        await client.get(f"/v3/sessions/{session_id}", headers=admin.headers)
    ).status_code == 404
    assert (
        await client.get(f"/v3/sessions/{session_id}", headers=other.headers)
    ).status_code == 200
    for headers in (
        {"blaize-admin-session": "not-a-session"},
        {"cookie": "blaize_admin_session=not-a-session"},
        {"Authorization": "BLAIZE-HMAC-SHA256 access_key=x"},
    ):
        bad = await client.post("/v4/anonymous-sessions/news", headers=headers)
        assert bad.status_code == 401, (headers, bad.text)


async def test_lookups_and_deletion_need_roles(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    opened = (await client.post("/v4/anonymous-sessions/news")).json()
    url = f"/v4/sessions/news/{opened['session_id']}"
    assert (await client.get(url)).status_code == 401
    nobody = admin_factory("nobody@example.com", role="guest")
    viewer = admin_factory("viewer@example.com", role="viewer")
    assert (await client.get(url, headers=nobody.headers)).status_code == 403
    assert (await client.get(url, headers=viewer.headers)).status_code == 200
    assert (await client.delete(url, headers=viewer.headers)).status_code == 403
    assert (await client.get(url, headers=viewer.headers)).status_code == 200


async def test_open_operations_need_an_installed_tenant(
    client: httpx.AsyncClient, blaize_env: dict[str, str]
) -> None:
    # The fixture app's default tenant exists only once an admin was issued for it.
    refused = await client.post("/v4/anonymous-sessions/news")
    assert refused.status_code == 403, refused.text
