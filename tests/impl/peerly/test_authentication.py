"""Google login, token claims and logout, through the HTTP API."""

from __future__ import annotations

import jwt

from contractkit.impl.peerly.models import Role
from contractkit.impl.peerly.settings import load_peerly_settings
from contractkit.impl.peerly.tokens import NAMESPACE
from tests.impl.conftest import TEST_SECRET


async def test_login_creates_user_on_first_sign_in_and_issues_seed_claims(client, idp) -> None:
    idp.grant("google-ok", "Asha.Rao@Example.com", given_name="Asha", family_name="Rao")
    response = await client.post("/oauth/google", json={"access_token": "google-ok"})
    assert response.status_code == 200
    token = response.json()["data"]["token"]
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience="peerly.com")
    assert set(claims) == {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", NAMESPACE}
    assert claims["iss"] == "node.peerly.com"
    assert claims[NAMESPACE] == {
        "roleId": 1,
        "orgId": claims[NAMESPACE]["orgId"],
        "orgName": "Example Corp",
    }
    assert claims["exp"] > claims["iat"] >= claims["nbf"] - 1

    me = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    body = me.json()["data"]
    assert (body["email"], body["first_name"], body["last_name"]) == (
        "asha.rao@example.com",
        "Asha",
        "Rao",
    )
    assert str(body["id"]) == claims["sub"]

    again = await client.post("/oauth/google", json={"access_token": "google-ok"})
    second = jwt.decode(
        again.json()["data"]["token"], TEST_SECRET, algorithms=["HS256"], audience="peerly.com"
    )
    assert second["sub"] == claims["sub"], "the second sign-in reuses the same user"


async def test_login_refuses_unknown_domains_unverified_mail_and_bad_tokens(client, idp) -> None:
    idp.grant("stranger", "eve@unknown.example")
    idp.grant("unverified", "carl@example.com", verified=False)
    for access_token in ("stranger", "unverified", "never-issued"):
        response = await client.post("/oauth/google", json={"access_token": access_token})
        assert response.status_code == 401, access_token
        assert response.json() == {
            "error": {"code": "invalid_token", "message": "unauthorized user"}
        }


async def test_login_validates_its_payload_with_field_messages(client) -> None:
    response = await client.post("/oauth/google", json={})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_data"
    assert response.json()["error"]["fields"] == {"access_token": "This field is required"}


async def test_unreachable_identity_provider_answers_503(settings, database, base_env) -> None:
    import httpx

    from contractkit.impl.app import create_app
    from contractkit.impl.config import load_settings

    offline = load_settings(
        {**base_env, "PEERLY_GOOGLE_TOKENINFO_URL": "http://127.0.0.1:9/tokeninfo"}
    )
    app = create_app(["peerly"], settings=offline, database=database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.post("/peerly/oauth/google", json={"access_token": "x"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "identity_provider_unavailable"


async def test_logout_revokes_the_token_but_not_others(client, person) -> None:
    first = person("ann@example.com")
    second = person("ann@example.com")
    assert (await client.post("/logout", headers=first.headers)).status_code == 200
    refused = await client.get("/users/me", headers=first.headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_token"
    assert (await client.post("/logout", headers=first.headers)).status_code == 401
    assert (await client.get("/users/me", headers=second.headers)).status_code == 200


async def test_a_revoked_token_changes_nothing(client, person) -> None:
    admin = person("root@example.com", Role.ADMIN)
    assert (await client.post("/logout", headers=admin.headers)).status_code == 200
    body = {"text": "Care", "description": "We help."}
    refused = await client.post("/core_values", json=body, headers=admin.headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_token"
    fresh = person("root@example.com", Role.ADMIN)
    assert (await client.get("/core_values", headers=fresh.headers)).json()["data"] == []


async def test_missing_forged_and_expired_tokens_are_refused(client, employee, settings) -> None:
    secret = load_peerly_settings(settings).jwt_secret
    assert (await client.get("/users/me")).status_code == 401
    forged = jwt.encode({"sub": str(employee.id)}, "x" * 40, algorithm="HS256")
    assert (
        await client.get("/users/me", headers={"Authorization": f"Bearer {forged}"})
    ).status_code == 401
    claims = jwt.decode(
        employee.token,
        secret,
        algorithms=["HS256"],
        audience="peerly.com",
    )
    expired = jwt.encode(
        {**claims, "exp": claims["iat"] - 10},
        secret,
        algorithm="HS256",
    )
    assert (
        await client.get("/users/me", headers={"Authorization": f"Bearer {expired}"})
    ).status_code == 401
    other_audience = jwt.encode(
        {**claims, "aud": "evil.example"},
        secret,
        algorithm="HS256",
    )
    response = await client.get("/users/me", headers={"Authorization": f"Bearer {other_audience}"})
    assert response.status_code == 401
    assert "fields" not in response.json()["error"]


async def test_logout_prunes_revocations_of_tokens_that_expired_anyway(
    client, person, database
) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from contractkit.impl.peerly.models import RevokedToken
    from contractkit.impl.timeutil import utcnow

    with database.transaction() as session:
        session.add(RevokedToken(jti="old", expires_at=utcnow() - timedelta(minutes=1)))
    caller = person("pat@example.com")
    assert (await client.post("/logout", headers=caller.headers)).status_code == 200
    with database.transaction() as session:
        remaining = set(session.scalars(select(RevokedToken.jti)))
    assert "old" not in remaining and len(remaining) == 1
