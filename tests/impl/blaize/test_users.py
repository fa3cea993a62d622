"""End users: creation, attributes under the User Schema, flows, legacy passwords, foreign keys."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.identity.sealing import seal
from contractkit.impl.blaize.people.models import OutboxMessage, User, UserSession, UserToken
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import MASTER_KEY, Admin, AdminFactory
from tests.impl.blaize.test_catalogue import add_entitlements


def user_body(email: str, **attributes: object) -> dict:
    body: dict = {"identifiers": {"email_address": email}, "validators": {"password": "pw-123"}}
    if attributes:
        body["attributes"] = attributes
    return body


async def create(client: httpx.AsyncClient, admin: Admin, email: str, **attributes: object) -> str:
    response = await client.post(
        "/v3/users", json=user_body(email, **attributes), headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["user_id"]


def count_users(database: Database) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


async def test_create_one_and_many(
    client: httpx.AsyncClient, admin: Admin, database: Database, settings: Settings
) -> None:
    one = await client.post(
        "/v3/users", json=user_body("Joe@Company.com", first_name="Joe"), headers=admin.headers
    )
    assert one.status_code == 201
    user_id = one.json()["user_id"]
    assert one.headers["location"] == one.json()["uri"] == f"/blaize/v3/users/{user_id}"
    got = (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).json()
    assert got == {
        "user_id": user_id,
        "identifiers": {"email_address": "joe@company.com"},
        "attributes": {"first_name": "Joe"},
        "email_verified": False,
    }
    many = await client.post(
        "/v3/users",
        json=[user_body("a@company.com"), user_body("b@company.com")],
        headers=admin.headers,
    )
    assert many.status_code == 201
    assert [entry["message"] for entry in many.json()] == ["User created successfully"] * 2
    listing = (await client.get("/v3/users", headers=admin.headers)).json()["results"]
    assert [u["identifiers"]["email_address"] for u in listing] == [
        "joe@company.com",
        "a@company.com",
        "b@company.com",
    ]
    with database.transaction() as session:
        stored = session.get(User, user_id)
        assert stored is not None and stored.password_hash is not None
        assert "pw-123" not in stored.password_hash
        assert Passwords(load_blaize_settings(settings)).verify(stored.password_hash, "pw-123")


async def test_a_batch_with_a_taken_identifier_creates_nobody(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await create(client, admin, "taken@company.com")
    before = count_users(database)
    batch = [user_body("fresh@company.com"), user_body("TAKEN@company.com")]
    response = await client.post("/v3/users", json=batch, headers=admin.headers)
    assert response.status_code == 409
    twice = [user_body("same@company.com"), user_body("same@company.com")]
    assert (await client.post("/v3/users", json=twice, headers=admin.headers)).status_code == 409
    invalid = [user_body("ok@company.com"), {"identifiers": {}}]
    assert (await client.post("/v3/users", json=invalid, headers=admin.headers)).status_code == 400
    assert count_users(database) == before


async def test_users_are_per_tenant(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    user_id = await create(client, admin, "joe@company.com")
    other = admin_factory("boss@other.example", tenant="other")
    assert (await client.get(f"/v3/users/{user_id}", headers=other.headers)).status_code == 404
    assert (await client.delete(f"/v3/users/{user_id}", headers=other.headers)).status_code == 404
    # The same address is free in another tenant.
    response = await client.post(
        "/v3/users", json=user_body("joe@company.com"), headers=other.headers
    )
    assert response.status_code == 201


async def test_user_schema_constrains_attributes(client: httpx.AsyncClient, admin: Admin) -> None:
    fields = {
        "first-name": {"label": "First name", "required": True, "input-type": "text"},
        "code": {"input-type": "text", "validation-expression": "[A-Z]{3}"},
        "plan": {"input-type": "select", "select-options": "basic, pro"},
        "age": {"input-type": "number", "range-start": 18, "range-end": 99, "range-step": 1},
        "opt-in": {"input-type": "checkbox"},
    }
    for slug, definition in fields.items():
        saved = await client.put(f"/v3/schema/users/{slug}", json=definition, headers=admin.headers)
        assert saved.status_code == 201, saved.text
        assert saved.headers["location"] == f"/blaize/v3/schema/users/{slug}"
    replaced = await client.put(
        "/v3/schema/users/opt-in", json={"input-type": "checkbox"}, headers=admin.headers
    )
    assert replaced.status_code == 200
    listing = (await client.get("/v3/schema/users", headers=admin.headers)).json()
    assert [field["slug"] for field in listing] == sorted(fields)

    good = {"first-name": "Joe", "code": "ABC", "plan": "pro", "age": 42, "opt-in": True}
    user_id = await create(client, admin, "joe@company.com", **good)
    for bad, slug in (
        ({**good, "code": "abc"}, "code"),
        ({**good, "plan": "gold"}, "plan"),
        ({**good, "age": 17}, "age"),
        ({**good, "age": 42.5}, "age"),
        ({**good, "age": "42"}, "age"),
        ({**good, "opt-in": "yes"}, "opt-in"),
        ({**good, "colour": "red"}, "colour"),
        ({k: v for k, v in good.items() if k != "first-name"}, "first-name"),
    ):
        response = await client.put(
            f"/v3/users/{user_id}/attributes", json=bad, headers=admin.headers
        )
        assert response.status_code == 409, bad
        assert [d["field"] for d in response.json()["details"]] == [slug]
    assert (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).json()[
        "attributes"
    ] == good

    patched = await client.patch(
        f"/v3/users/{user_id}/attributes", json={"plan": "basic"}, headers=admin.headers
    )
    assert patched.json() == {**good, "plan": "basic"}
    replaced_attrs = await client.put(
        f"/v3/users/{user_id}/attributes", json={"first-name": "Jo"}, headers=admin.headers
    )
    assert replaced_attrs.json() == {"first-name": "Jo"}
    refused = await client.post("/v3/users", json=user_body("x@company.com"), headers=admin.headers)
    assert refused.status_code == 409  # first-name is required

    bad_fields = (
        {"validation-expression": "(unclosed"},
        {"input-type": "number", "range-start": 10, "range-end": 1},
    )
    for definition in bad_fields:
        response = await client.put(
            "/v3/schema/users/broken", json=definition, headers=admin.headers
        )
        assert response.status_code == 409
    assert (await client.get("/v3/schema/users/broken", headers=admin.headers)).status_code == 404
    assert (await client.delete("/v3/schema/users/code", headers=admin.headers)).status_code == 200
    assert (await client.delete("/v3/schema/users/code", headers=admin.headers)).status_code == 404


async def test_without_a_user_schema_any_attributes_are_kept(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    user_id = await create(client, admin, "joe@company.com", anything={"nested": [1, 2]})
    got = (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).json()
    assert got["attributes"] == {"anything": {"nested": [1, 2]}}


def outbox(database: Database) -> list[OutboxMessage]:
    with database.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def token_in(message: OutboxMessage) -> str:
    assert message.link is not None and message.link in message.body
    return message.link.rsplit("token=", 1)[1]


async def test_email_update_sends_a_single_use_link(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    user_id = await create(client, admin, "old@company.com")
    await create(client, admin, "other@company.com")
    body = {"new_identifiers": {"email_address": "New@Company.com"}}
    response = await client.post(
        f"/v3/users/{user_id}/update-email", json=body, headers=admin.headers
    )
    assert response.json() == {"message": "Verification email sent"}
    (message,) = outbox(database)
    assert (message.kind, message.recipient) == ("email_update", "new@company.com")
    token = token_in(message)
    with database.transaction() as session:
        row = session.get(UserToken, digest(token))
        assert row is not None and row.user_id == user_id
        assert session.get(UserToken, token) is None
        assert row.payload == {"new_email": "new@company.com"}
    # The address does not change until the link is followed.
    assert (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).json()[
        "identifiers"
    ] == {"email_address": "old@company.com"}
    followed = await client.get("/confirm/email-update", params={"token": token})
    assert followed.status_code == 200 and "new@company.com" in followed.text
    got = (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).json()
    assert got["identifiers"] == {"email_address": "new@company.com"}
    assert got["email_verified"] is True
    again = await client.get(
        "/confirm/email-update", params={"token": token}, headers={"Accept": "application/json"}
    )
    assert again.status_code == 410 and again.json()["error"] == "link_used"
    taken = {"new_identifiers": {"email_address": "other@company.com"}}
    assert (
        await client.post(f"/v3/users/{user_id}/update-email", json=taken, headers=admin.headers)
    ).status_code == 409
    third = {"new_identifiers": {"email_address": "third@company.com"}}
    for spelling in ("requireEmailVerfication", "requireEmailVerification"):
        # The seed's spelling and the correct one are the same setting.
        for value, recipient in (("true", "new@company.com"), ("false", "third@company.com")):
            await client.post(
                "/v3/configuration",
                json={f"authentication.password.{spelling}": value},
                headers=admin.headers,
            )
            await client.post(
                f"/v3/users/{user_id}/update-email", json=third, headers=admin.headers
            )
            assert outbox(database)[-1].recipient == recipient


async def test_expired_flow_tokens_are_refused(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await create(client, admin, "joe@company.com")
    body = {"identifiers": {"email_address": "joe@company.com"}}
    assert (
        await client.post("/v3/users/reset", json=body, headers=admin.headers)
    ).status_code == 200
    (message,) = outbox(database)
    assert message.kind == "password_reset"
    token = token_in(message)
    with database.transaction() as session:
        row = session.get(UserToken, digest(token))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    for method, kwargs in (
        ("GET", {"params": {"token": token}}),
        ("POST", {"data": {"token": token, "password": "new password"}}),
    ):
        expired = await client.request(method, "/confirm/password-reset", **kwargs)
        assert expired.status_code == 410, expired.text
        assert "expired" in expired.text and expired.headers["content-type"].startswith("text/html")
    unknown = {"identifiers": {"email_address": "nobody@company.com"}}
    assert (
        await client.post("/v3/users/reset", json=unknown, headers=admin.headers)
    ).status_code == 404


async def test_passwordless_link_goes_to_the_destination(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    body = {
        "identifiers": {"email_address": "joe@company.com"},
        "delivery": {
            "method": "email",
            "destination": "joe@company.com",
            "action": "login",
            "redirect": "/",
        },
    }
    await client.post(
        "/v3/configuration", json={"cdn.origin": "https://www.company.com"}, headers=admin.headers
    )
    response = await client.post("/v3/users/token-exchange", json=body, headers=admin.headers)
    assert response.status_code == 201
    (message,) = outbox(database)
    assert message.recipient == "joe@company.com"
    assert "https://www.company.com/confirm/passwordless?token=" in message.body
    sms = {**body, "delivery": {**body["delivery"], "method": "sms"}}
    assert (
        await client.post("/v3/users/token-exchange", json=sms, headers=admin.headers)
    ).status_code == 409
    assert len(outbox(database)) == 1


async def test_legacy_password_replaces_the_password(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    user_id = await create(client, admin, "joe@company.com")
    response = await client.post(
        f"/v3/users/legacyPassword?user_id={user_id}",
        content=b"old-system-secret",
        headers={**admin.headers, "Content-Type": "text/plain"},
    )
    assert response.status_code == 200
    assert response.json()["user_id"] == user_id
    with database.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None and user.password_hash is None
        assert user.legacy_password_hash and "old-system-secret" not in user.legacy_password_hash
    empty = await client.post(
        f"/v3/users/legacyPassword?user_id={user_id}",
        content=b"",
        headers={**admin.headers, "Content-Type": "text/plain"},
    )
    assert empty.status_code == 400
    missing = await client.post(
        "/v3/users/legacyPassword?user_id=nobody",
        content=b"x",
        headers={**admin.headers, "Content-Type": "text/plain"},
    )
    assert missing.status_code == 404


async def test_foreign_keys_name_one_user(client: httpx.AsyncClient, admin: Admin) -> None:
    ann = await create(client, admin, "ann@company.com")
    ben = await create(client, admin, "ben@company.com")
    text = {**admin.headers, "Content-Type": "text/plain"}
    url = f"/v3/users/{ann}/foreign-key/update/crm"
    assert (await client.put(url, content=b"CRM-1", headers=text)).status_code == 200
    assert (await client.put(url, content=b"CRM-2", headers=text)).status_code == 200
    taken = await client.put(
        f"/v3/users/{ben}/foreign-key/update/crm", content=b"CRM-2", headers=text
    )
    assert taken.status_code == 409
    free = await client.put(
        f"/v3/users/{ben}/foreign-key/update/crm", content=b"CRM-1", headers=text
    )
    assert free.status_code == 200


async def test_cross_device_session_lists_live_sessions(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    user_id = await create(client, admin, "joe@company.com")
    with database.transaction() as session:
        for session_id, lifetime in (("live-session", 3600), ("old-session", -1)):
            session.add(
                UserSession(
                    id_hash=digest(session_id),
                    id_sealed=seal(MASTER_KEY, "user session id", session_id, admin.tenant),
                    tenant_id=admin.tenant,
                    user_id=user_id,
                    authenticated=True,
                    variables={"device": "phone"},
                    expires_at=utcnow() + timedelta(seconds=lifetime),
                )
            )
    answer = (await client.get(f"/v3/users/{user_id}/session", headers=admin.headers)).json()
    assert [s["session_id"] for s in answer["sessions"]] == ["live-session"]
    assert answer["session_variables"] == {"device": "phone"}
    assert answer["access_model"] == {"meters": {}, "credits": {}, "delivered_entitlements": []}


async def test_deleting_a_user_removes_what_hangs_on_it(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    user_id = await create(client, admin, "joe@company.com")
    account = (await client.post("/v3/accounts", json={}, headers=admin.headers)).json()["id"]
    await client.put(f"/v3/accounts/{account}/users/{user_id}", headers=admin.headers)
    await add_entitlements(client, admin, "gold")
    grant = {"entitlement_type": "entitlement", "entitlement_id": "gold"}
    granted = await client.post(f"/v3/users/{user_id}/grants", json=grant, headers=admin.headers)
    assert granted.status_code == 201
    assert (await client.delete(f"/v3/users/{user_id}", headers=admin.headers)).status_code == 200
    assert (await client.get(f"/v3/users/{user_id}", headers=admin.headers)).status_code == 404
    assert (await client.get("/v3/accounts/users", headers=admin.headers)).json() == []
    # The address is free again.
    assert (
        await client.post("/v3/users", json=user_body("joe@company.com"), headers=admin.headers)
    ).status_code == 201


async def test_viewers_read_but_do_not_write_users(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    viewer = admin_factory("viewer@example.com", role="viewer")
    user_id = await create(client, admin, "joe@company.com")
    assert (await client.get(f"/v3/users/{user_id}", headers=viewer.headers)).status_code == 200
    assert (await client.delete(f"/v3/users/{user_id}", headers=viewer.headers)).status_code == 403
    patch = await client.patch(
        f"/v3/users/{user_id}/attributes", json={"a": "b"}, headers=viewer.headers
    )
    assert patch.status_code == 403


async def test_both_spellings_of_the_verification_setting_are_one_setting(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    seed_name = "authentication.password.requireEmailVerfication"
    correct = "authentication.password.requireEmailVerification"
    saved = await client.post("/v3/configuration", json={correct: "true"}, headers=admin.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()[seed_name] == "true" and correct not in saved.json()
    await create(client, admin, "joe@company.com")
    login = user_body("joe@company.com")
    assert (await client.post("/v3/sessions", json=login)).status_code == 403
    await client.post("/v3/configuration", json={seed_name: "false"}, headers=admin.headers)
    assert (await client.post("/v3/sessions", json=login)).status_code == 200
