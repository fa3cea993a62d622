"""The OAuth2 token endpoint: single-use, short-lived codes bound to client and redirect URI."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from contractkit.impl.blaize.devtokens import (
    DevelopmentTokensDisabled,
    issue_development_oauth_code,
)
from contractkit.impl.blaize.identity.models import OAuthCode, OAuthToken
from contractkit.impl.blaize.identity.oauth import verify_access_token
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import Admin

CLIENT = "quiz-app"
REDIRECT = "https://quiz.example.com/callback"
ALL_SCOPES = "user.account:read user.profile:read user.profile:update"


@pytest.fixture
async def user_id(client: httpx.AsyncClient, admin: Admin) -> str:
    body = {"identifiers": {"email_address": "joe@company.com"}, "validators": {"password": "pw"}}
    response = await client.post("/v3/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()["user_id"]


@pytest.fixture
def issue(settings: Settings, database: Database, user_id: str):  # type: ignore[no-untyped-def]
    def make(scope: str | None = None, client_id: str = CLIENT) -> str:
        return issue_development_oauth_code(
            settings,
            database,
            user_email="joe@company.com",
            client_id=client_id,
            redirect_uri=REDIRECT,
            scope=scope,
        )

    return make


def exchange_body(code: str, **changes: str) -> dict:
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
    }
    return {**body, **changes}


def count_tokens(database: Database) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(OAuthToken)) or 0)


def assert_invalid_grant(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_grant" and body["error_description"] == body["message"]
    assert response.headers["cache-control"] == "no-store"


async def test_a_code_is_exchanged_once_for_access_and_refresh_tokens(
    client: httpx.AsyncClient, issue, user_id: str, database: Database
) -> None:  # type: ignore[no-untyped-def]
    code = issue()
    answer = await client.post("/zephr/oauth2/token", json=exchange_body(code))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    tokens = answer.json()
    assert tokens["token_type"] == "bearer" and tokens["scope"] == ALL_SCOPES
    assert tokens["expires_in"] == 3600 and tokens["user_id"] == user_id
    assert tokens["access_token"].startswith("oa_") and tokens["refresh_token"]
    with database.transaction() as session:
        granted = verify_access_token(session, tokens["access_token"])
        assert granted is not None and granted["sub"] == user_id
        assert granted["scope"] == ALL_SCOPES.split()
        assert verify_access_token(session, tokens["refresh_token"]) is None
        stored = session.scalars(select(OAuthToken.token_hash)).all()
        assert tokens["access_token"] not in stored and digest(tokens["access_token"]) in stored

    # The seed's alias of the grant type works the same.
    aliased = await client.post(
        "/zephr/oauth2/token", json=exchange_body(issue(), grant_type="code")
    )
    assert aliased.status_code == 200, aliased.text


async def test_a_reused_code_is_refused_and_revokes_what_it_issued(
    client: httpx.AsyncClient, issue, database: Database
) -> None:  # type: ignore[no-untyped-def]
    code = issue()
    first = (await client.post("/zephr/oauth2/token", json=exchange_body(code))).json()
    again = await client.post("/zephr/oauth2/token", json=exchange_body(code))
    assert_invalid_grant(again)
    assert "already used" in again.json()["message"]
    with database.transaction() as session:
        assert verify_access_token(session, first["access_token"]) is None
    refresh = await client.post(
        "/zephr/oauth2/token",
        json={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": CLIENT,
        },
    )
    assert_invalid_grant(refresh)


async def test_codes_are_bound_to_their_redirect_uri_and_client(
    client: httpx.AsyncClient, issue, database: Database
) -> None:  # type: ignore[no-untyped-def]
    code = issue()
    for body in (
        exchange_body(code, redirect_uri="https://quiz.example.com/other"),
        exchange_body(code, redirect_uri=REDIRECT + "/"),
        exchange_body(code, client_id="other-app"),
    ):
        assert_invalid_grant(await client.post("/zephr/oauth2/token", json=body))
    assert count_tokens(database) == 0
    # A refused attempt does not use the code up: its own client still gets tokens.
    assert (await client.post("/zephr/oauth2/token", json=exchange_body(code))).status_code == 200


async def test_unknown_and_expired_codes_are_refused(
    client: httpx.AsyncClient, issue, database: Database
) -> None:  # type: ignore[no-untyped-def]
    assert_invalid_grant(
        await client.post("/zephr/oauth2/token", json=exchange_body("no-such-code"))
    )
    code = issue()
    with database.transaction() as session:
        session.execute(
            update(OAuthCode)
            .where(OAuthCode.code_hash == digest(code))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = await client.post("/zephr/oauth2/token", json=exchange_body(code))
    assert_invalid_grant(expired)
    assert "expired" in expired.json()["message"]
    assert count_tokens(database) == 0


async def test_refresh_gives_a_new_access_token_with_the_same_scope(
    client: httpx.AsyncClient, issue, database: Database
) -> None:  # type: ignore[no-untyped-def]
    code = issue(scope="user.profile:read")
    first = (await client.post("/zephr/oauth2/token", json=exchange_body(code))).json()
    refresh_body = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": CLIENT,
    }
    refreshed = await client.post("/zephr/oauth2/token", json=refresh_body)
    assert refreshed.status_code == 200, refreshed.text
    answer = refreshed.json()
    assert answer["scope"] == "user.profile:read" and "refresh_token" not in answer
    assert answer["access_token"] != first["access_token"]
    with database.transaction() as session:
        assert verify_access_token(session, answer["access_token"]) is not None
    # Refresh tokens are reusable until they expire, for their own client only.
    assert (await client.post("/zephr/oauth2/token", json=refresh_body)).status_code == 200
    other = {**refresh_body, "client_id": "other-app"}
    assert_invalid_grant(await client.post("/zephr/oauth2/token", json=other))
    with database.transaction() as session:
        session.execute(
            update(OAuthToken)
            .where(OAuthToken.token_hash == digest(first["refresh_token"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert_invalid_grant(await client.post("/zephr/oauth2/token", json=refresh_body))
    unknown = {**refresh_body, "refresh_token": first["access_token"]}
    assert_invalid_grant(await client.post("/zephr/oauth2/token", json=unknown))


async def test_malformed_requests_and_client_authentication(
    client: httpx.AsyncClient, issue
) -> None:  # type: ignore[no-untyped-def]
    code = issue()
    missing = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT}
    bad = await client.post("/zephr/oauth2/token", json=missing)
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_request"
    assert bad.json()["details"] == [{"field": "redirect_uri", "message": "This field is required"}]
    assert "redirect_uri" in bad.json()["error_description"]
    unsupported = await client.post(
        "/zephr/oauth2/token", json={"grant_type": "password", "code": code}
    )
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    assert "refresh_token" in unsupported.json()["error_description"]
    not_json = await client.post(
        "/zephr/oauth2/token", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json()["error"] == "invalid_request"
    basic = await client.post(
        "/zephr/oauth2/token",
        json=exchange_body(code),
        headers={"Authorization": "Basic cXVpei1hcHA6c2VjcmV0"},
    )
    assert basic.status_code == 401 and basic.json()["error"] == "invalid_client"
    assert basic.headers["www-authenticate"].startswith("Basic ")
    # Client authentication is answered before the body is looked at.
    basic_only = await client.post(
        "/zephr/oauth2/token",
        json={"refresh_token": "x", "grant_type": "refresh_token"},
        headers={"Authorization": "Basic cXVpei1hcHA6c2VjcmV0"},
    )
    assert basic_only.status_code == 401 and basic_only.json()["error"] == "invalid_client"
    # None of those used the code up.
    assert (await client.post("/zephr/oauth2/token", json=exchange_body(code))).status_code == 200


def test_codes_need_an_existing_user_a_known_scope_and_development_mode(
    settings: Settings, database: Database, user_id: str, blaize_env: dict[str, str]
) -> None:
    def issue(**changes: str) -> str:
        arguments = {
            "user_email": "joe@company.com",
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            **changes,
        }
        return issue_development_oauth_code(settings, database, **arguments)

    with pytest.raises(ValueError, match="no end user"):
        issue(user_email="nobody@company.com")
    with pytest.raises(ValueError, match="unsupported scopes"):
        issue(scope="admin:everything")
    with pytest.raises(ValueError, match="no end user"):
        issue(tenant="elsewhere")
    production = load_settings({**blaize_env, "CONTRACTKIT_ENV": "production"})
    with pytest.raises(DevelopmentTokensDisabled):
        issue_development_oauth_code(
            production,
            database,
            user_email="joe@company.com",
            client_id=CLIENT,
            redirect_uri=REDIRECT,
        )


SEED_EXCHANGE = {
    "code": "1234567890",
    "grant_type": "code",
    "redirect_uri": "https://someUrl.com/callback",
}
SEED_REFRESH = {"refresh_token": "6kuabo4gug8t9h13x7gt43cm", "grant_type": "refresh_token"}


async def test_the_seed_bodies_are_told_to_send_client_id_and_work_with_it(
    client: httpx.AsyncClient, settings: Settings, database: Database, user_id: str
) -> None:
    code = issue_development_oauth_code(
        settings,
        database,
        user_email="joe@company.com",
        client_id=CLIENT,
        redirect_uri=SEED_EXCHANGE["redirect_uri"],
    )
    for seed_body in (SEED_EXCHANGE, {**SEED_EXCHANGE, "code": code}, SEED_REFRESH):
        refused = await client.post("/zephr/oauth2/token", json=seed_body)
        assert refused.status_code == 400, refused.text
        body = refused.json()
        assert body["error"] == "invalid_request"
        assert body["details"] == [{"field": "client_id", "message": "This field is required"}]
        assert "client_id" in body["error_description"]
    # The code was not used up: the seed's body with client_id added exchanges it.
    exchanged = await client.post(
        "/zephr/oauth2/token", json={**SEED_EXCHANGE, "code": code, "client_id": CLIENT}
    )
    assert exchanged.status_code == 200, exchanged.text
    refresh = {**SEED_REFRESH, "refresh_token": exchanged.json()["refresh_token"]}
    refreshed = await client.post("/zephr/oauth2/token", json={**refresh, "client_id": CLIENT})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["user_id"] == user_id
