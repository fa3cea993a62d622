"""Admin sessions and keypair signatures, end to end through HTTP."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from contractkit.impl.blaize.identity.models import AdminSession, AdminUser, Keypair
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import PASSWORD, Admin, AdminFactory, signed_headers


async def issue(client: httpx.AsyncClient, admin: Admin) -> dict[str, str]:
    response = await client.post(f"/v3/admin/users/{admin.id}/keypairs", headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def login(client: httpx.AsyncClient, email: str, **identifiers: str) -> httpx.Response:
    body = {
        "identifiers": {"email_address": email, **identifiers},
        "validators": {"password": PASSWORD},
    }
    response = await client.post("/v3/admin/login", json=body)
    client.cookies.clear()
    return response


# ----------------------------------------------------------------------------- sessions


async def test_login_session_works_as_cookie_and_header_until_logout(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    response = await login(client, admin.email)
    assert response.status_code == 200
    cookie = response.json()["cookie"]
    session_id = cookie.split("=", 1)[1]
    assert response.headers["set-cookie"].startswith(cookie + ";")
    assert "HttpOnly" in response.headers["set-cookie"]
    by_cookie = await client.get("/v3/admin/roles", headers={"Cookie": cookie})
    by_header = await client.get("/v3/admin/roles", headers={"blaize-admin-session": session_id})
    assert by_cookie.status_code == by_header.status_code == 200
    looked_up = await client.get(f"/v3/admin/sessions/{session_id}", headers=admin.headers)
    assert looked_up.json() == {"user_id": admin.id}

    logout = await client.post("/v3/admin/logout", headers={"blaize-admin-session": session_id})
    assert logout.json() == {"message": "Session deleted"}
    after = await client.get("/v3/admin/roles", headers={"Cookie": cookie})
    assert after.status_code == 401
    assert after.json()["error"] == "unauthorized"
    gone = await client.get(f"/v3/admin/sessions/{session_id}", headers=admin.headers)
    assert gone.status_code == 404


async def test_wrong_password_or_unknown_admin_gets_401_and_no_session(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    with database.transaction() as session:
        before = len(session.scalars(select(AdminSession)).all())
    for email, password in ((admin.email, "wrong"), ("nobody@example.com", PASSWORD)):
        body = {"identifiers": {"email_address": email}, "validators": {"password": password}}
        response = await client.post("/v3/admin/login", json=body)
        assert response.status_code == 401
        assert "set-cookie" not in response.headers
    with database.transaction() as session:
        assert len(session.scalars(select(AdminSession)).all()) == before


async def test_admin_without_password_cannot_log_in(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    with database.transaction() as session:
        session.execute(update(AdminUser).values(password_hash=None))
    response = await client.post(
        "/v3/admin/login",
        json={
            "identifiers": {"email_address": admin.email},
            "validators": {"password": "anything"},
        },
    )
    assert response.status_code == 401


async def test_expired_session_is_refused(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    assert (await client.get("/v3/admin/roles", headers=admin.headers)).status_code == 200
    with database.transaction() as session:
        session.execute(
            update(AdminSession)
            .where(AdminSession.id_hash == digest(admin.session_id))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await client.get("/v3/admin/roles", headers=admin.headers)
    assert response.status_code == 401
    lookup = await client.get(f"/v3/admin/sessions/{admin.session_id}", headers=admin.headers)
    assert lookup.status_code == 401


async def test_missing_and_unknown_credentials_get_401(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"blaize-admin-session": "made-up"}, {"Cookie": "blaize_admin_session=x"}):
        response = await client.get("/v3/admin/roles", headers=headers)
        assert response.status_code == 401
        assert response.json()["status"] == 401


async def test_session_ids_are_stored_hashed(admin: Admin, database: Database) -> None:
    with database.transaction() as session:
        stored = session.scalars(select(AdminSession.id_hash)).all()
    assert admin.session_id not in stored
    assert digest(admin.session_id) in stored


# ----------------------------------------------------------------------------- keypairs


async def test_signed_requests_are_accepted_once(client: httpx.AsyncClient, admin: Admin) -> None:
    keys = await issue(client, admin)
    body = json.dumps({"cdn.origin": "https://origin.example.com"}).encode()
    headers = {
        **signed_headers(keys["access_key"], keys["secret_key"], "POST", "/v3/configuration", body),
        "Content-Type": "application/json",
    }
    first = await client.post("/v3/configuration", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["cdn.origin"] == "https://origin.example.com"
    replay = await client.post("/v3/configuration", content=body, headers=headers)
    assert replay.status_code == 401


async def test_signature_covers_method_path_query_body_and_time(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    keys = await issue(client, admin)
    ak, sk = keys["access_key"], keys["secret_key"]
    url = f"/v3/admin/users/{admin.id}/roles?b=2&a=1"

    def sign(method: str = "GET", target: str = url, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return signed_headers(ak, sk, method, target, **kwargs)

    assert (await client.get(url, headers=sign())).status_code == 200
    # Query order does not matter, its content does.
    assert (
        await client.get(url, headers=sign(target=url.replace("b=2&a=1", "a=1&b=2")))
    ).status_code == 200
    assert (await client.get(url + "&c=3", headers=sign())).status_code == 401
    assert (await client.get(url.replace("b=2", "b=3"), headers=sign())).status_code == 401
    other_path = f"/v3/admin/users/{admin.id}/keypairs"
    assert (await client.get(other_path, headers=sign(target=url))).status_code == 401
    assert (await client.get(url, headers=sign(method="DELETE"))).status_code == 401
    stale = int(time.time() * 1000) - 301_000
    assert (await client.get(url, headers=sign(timestamp_ms=stale))).status_code == 401
    future = int(time.time() * 1000) + 301_000
    assert (await client.get(url, headers=sign(timestamp_ms=future))).status_code == 401
    wrong_secret = signed_headers(ak, sk[:-1] + ("A" if sk[-1] != "A" else "B"), "GET", url)
    assert (await client.get(url, headers=wrong_secret)).status_code == 401
    unknown = signed_headers("BKUNKNOWN", sk, "GET", url)
    assert (await client.get(url, headers=unknown)).status_code == 401
    malformed = {"Authorization": "BLAIZE-HMAC-SHA256 access_key=" + ak}
    assert (await client.get(url, headers=malformed)).status_code == 401


async def test_tampered_body_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    keys = await issue(client, admin)
    signed_body = b'{"email.from": "a@example.com"}'
    sent_body = b'{"email.from": "evil@example.com"}'
    headers = {
        **signed_headers(
            keys["access_key"], keys["secret_key"], "POST", "/v3/configuration", signed_body
        ),
        "Content-Type": "application/json",
    }
    response = await client.post("/v3/configuration", content=sent_body, headers=headers)
    assert response.status_code == 401
    stored = await client.get("/v3/configuration", headers=admin.headers)
    assert "email.from" not in stored.json()


async def test_revoked_keypair_fails_at_once_and_is_no_longer_listed(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    keys = await issue(client, admin)
    listing = f"/v3/admin/users/{admin.id}/keypairs"
    listed = await client.get(listing, headers=admin.headers)
    assert listed.json() == [{"access_key": keys["access_key"]}]
    assert "secret" not in listed.text
    sign = lambda: signed_headers(keys["access_key"], keys["secret_key"], "GET", listing)  # noqa: E731
    assert (await client.get(listing, headers=sign())).status_code == 200
    revoked = await client.delete(f"{listing}/{keys['access_key']}", headers=admin.headers)
    assert revoked.json() == {"message": "Keypair revoked"}
    assert (await client.get(listing, headers=sign())).status_code == 401
    assert (await client.get(listing, headers=admin.headers)).json() == []
    again = await client.delete(f"{listing}/{keys['access_key']}", headers=admin.headers)
    assert again.status_code == 404


async def test_secret_keys_are_not_stored(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    keys = await issue(client, admin)
    with database.transaction() as session:
        row = session.get(Keypair, keys["access_key"])
        assert row is not None
        assert keys["secret_key"] not in (row.salt, row.access_key)


async def test_keypair_acts_with_its_owners_current_roles(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    viewer = admin_factory("viewer@example.com", role="viewer")
    keys = await issue(client, viewer)
    url = "/v3/admin/roles"
    body = json.dumps({"email": "new@example.com", "role": "viewer"}).encode()
    read = await client.get(
        url, headers=signed_headers(keys["access_key"], keys["secret_key"], "GET", url)
    )
    assert read.status_code == 200
    write = await client.post(
        url,
        content=body,
        headers={
            **signed_headers(keys["access_key"], keys["secret_key"], "POST", url, body),
            "Content-Type": "application/json",
        },
    )
    assert write.status_code == 403
    assert write.json()["error"] == "forbidden"


async def test_header_is_tried_before_the_cookie_and_logout_clears_the_cookie(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    roleless = admin_factory("nobody-special@example.com", role=None)
    both = {**admin.headers, "Cookie": f"blaize_admin_session={roleless.session_id}"}
    assert (await client.get("/v3/admin/roles", headers=both)).status_code == 200
    stale_cookie = {**admin.headers, "Cookie": "blaize_admin_session=logged-out"}
    assert (await client.get("/v3/admin/roles", headers=stale_cookie)).status_code == 200
    logout = await client.post("/v3/admin/logout", headers=admin.headers)
    assert "Max-Age=0" in logout.headers["set-cookie"]
    assert logout.headers["set-cookie"].startswith("blaize_admin_session=;")


async def test_a_refused_session_alone_is_answered_as_missing_credentials_are(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    missing = await client.get("/v3/admin/roles")
    for headers in (
        {"blaize-admin-session": "made-up"},
        {"Cookie": "blaize_admin_session=made-up"},
    ):
        refused = await client.get("/v3/admin/roles", headers=headers)
        assert refused.status_code == missing.status_code == 401
        assert refused.json()["error"] == missing.json()["error"] == "unauthorized"


async def test_a_stale_session_beside_another_credential_lets_the_other_decide(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    stale_header = {
        "blaize-admin-session": "logged-out",
        "Cookie": f"blaize_admin_session={admin.session_id}",
    }
    assert (await client.get("/v3/admin/roles", headers=stale_header)).status_code == 200
    keys = await issue(client, admin)
    signed = signed_headers(keys["access_key"], keys["secret_key"], "GET", "/v3/admin/roles", b"")
    beside_signature = {**signed, "blaize-admin-session": "logged-out"}
    answer = await client.get("/v3/admin/roles", headers=beside_signature)
    assert answer.status_code == 200, answer.text
