"""Credentials: presence and form by default (as Prism), values once valid ones are declared."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from contractkit.mock.cli import configure_parser, run
from contractkit.mock.generation.errors import VIOLATIONS_HEADER
from contractkit.pytest_plugin import build_mock_app

MockClient = Callable[..., httpx.AsyncClient]
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


@pytest.fixture
def secured(mock_client: MockClient, specs_dir: Path) -> Callable[..., httpx.AsyncClient]:
    def make(**options: Any) -> httpx.AsyncClient:
        return mock_client(specs_dir / "secured.yaml", **options)

    return make


async def test_by_default_any_present_well_formed_credential_passes(secured: Any) -> None:
    client = secured()
    assert (await client.get("/things/a1", headers={"x-session": "anything"})).status_code == 200
    assert (
        await client.get("/things/a1", headers={"cookie": "session=whatever"})
    ).status_code == 200
    missing = await client.get("/things/a1")
    assert missing.status_code == 401
    assert set(missing.json()) == {"error"}
    names = {v["name"] for v in json.loads(missing.headers[VIOLATIONS_HEADER])}
    assert names == {"sessionCookie", "sessionHeader", "signature"}
    good = await client.get("/reports", headers={"authorization": f"Bearer {JWT}"})
    assert good.status_code == 200


async def test_any_bearer_token_passes_unless_strict_auth(secured: Any) -> None:
    not_a_jwt = {"authorization": "Bearer abc"}
    assert (await secured().get("/reports", headers=not_a_jwt)).status_code == 200
    assert (await secured().get("/reports")).status_code == 401
    strict = secured(strict_auth=True)
    refused = await strict.get("/reports", headers=not_a_jwt)
    assert refused.status_code == 401
    assert 'Bearer realm="mock"' in refused.headers["www-authenticate"]
    assert "not a JWT" in refused.headers[VIOLATIONS_HEADER]
    assert (
        await strict.get("/reports", headers={"authorization": f"Bearer {JWT}"})
    ).status_code == 200


async def test_declared_credentials_make_other_values_401(secured: Any) -> None:
    client = secured(credentials={"sessionHeader": "s3cret"})
    assert (await client.get("/things/a1", headers={"x-session": "s3cret"})).status_code == 200
    wrong = await client.get("/things/a1", headers={"x-session": "guess"})
    assert wrong.status_code == 401
    assert json.loads(wrong.headers[VIOLATIONS_HEADER])[0] == {
        "location": "security",
        "name": "sessionHeader",
        "message": "credentials are not valid",
    }
    # Every scheme authenticates once credentials are declared: no value was declared for the
    # cookie scheme, so no cookie is accepted.
    assert (await client.get("/things/a1", headers={"cookie": "session=s3cret"})).status_code == 401


async def test_a_wrong_credential_is_refused_even_next_to_a_valid_one(secured: Any) -> None:
    client = secured(credentials={"*": "s3cret"})
    both = await client.get(
        "/things/a1", headers={"x-session": "s3cret", "cookie": "session=SCHEMATHESIS"}
    )
    assert both.status_code == 401
    assert (
        await client.get("/things/a1", headers={"x-session": "s3cret", "cookie": "session=s3cret"})
    ).status_code == 200
    assert (await client.get("/things/a1", headers={"authorization": "s3cret"})).status_code == 200


async def test_forbidden_credentials_get_403(secured: Any) -> None:
    client = secured(credentials={"*": "s3cret"}, forbidden_credentials={"sessionHeader": "guest"})
    forbidden = await client.get("/things/a1", headers={"x-session": "guest"})
    assert forbidden.status_code == 403
    assert set(forbidden.json()) == {"error"}
    assert "www-authenticate" not in forbidden.headers


async def test_basic_credentials_are_declared_as_user_and_password(secured: Any) -> None:
    client = secured(credentials={"basicAuth": "ada:lovelace", "bearerJwt": JWT})
    assert (
        await client.get("/reports", headers={"authorization": basic("ada:lovelace")})
    ).status_code == 200
    assert (
        await client.get("/reports", headers={"authorization": basic("ada:babbage")})
    ).status_code == 401
    assert (
        await client.get("/reports", headers={"authorization": f"Bearer {JWT}"})
    ).status_code == 200


async def test_a_scheme_can_declare_its_own_credentials_with_x_mock(secured: Any) -> None:
    client = secured()
    assert (await client.get("/audited", params={"key": "audit-1"})).status_code == 204
    assert (await client.get("/audited", params={"key": "audit-2"})).status_code == 401
    assert (await client.get("/audited", params={"key": "audit-guest"})).status_code == 403
    # The other schemes keep Prism's presence-and-form behaviour.
    assert (await client.get("/things/a1", headers={"x-session": "any"})).status_code == 200


async def test_anonymous_alternative_lets_requests_through(secured: Any) -> None:
    client = secured(credentials={"*": "s3cret"})
    assert (await client.get("/health")).status_code == 204
    assert (await client.get("/health", headers={"x-session": "wrong"})).status_code == 204


async def test_credentials_are_checked_before_not_found_and_bad_input(secured: Any) -> None:
    client = secured(credentials={"*": "s3cret"}, stateful=True)
    valid = {"x-session": "s3cret"}
    assert (await client.get("/things/nothere", headers=valid)).status_code == 404
    assert (await client.get("/things/nothere", headers={"x-session": "no"})).status_code == 401
    too_long = "x" * 20
    # 400 is not documented there: the refusal is its documented 404.
    assert (await client.get(f"/things/{too_long}", headers=valid)).status_code == 404
    assert (await client.get(f"/things/{too_long}", headers={"x-session": "no"})).status_code == 401
    assert (await client.post("/things", json={}, headers={"x-session": "no"})).status_code == 401
    created = await client.post("/things", json={"name": "box"}, headers=valid)
    assert created.status_code == 201
    thing = created.json()["id"]
    assert (await client.get(f"/things/{thing}", headers={"x-session": "no"})).status_code == 401
    assert (await client.get(f"/things/{thing}", headers=valid)).json()["name"] == "box"


def test_unknown_scheme_names_are_refused(specs_dir: Path) -> None:
    with pytest.raises(ValueError, match="sessionHeadr"):
        build_mock_app(specs_dir / "secured.yaml", credentials={"sessionHeadr": "x"})


def test_cli_reads_auth_options_and_exits_2_on_unknown_schemes(specs_dir: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    spec = str(specs_dir / "secured.yaml")
    args = parser.parse_args(
        [spec, "--auth", "*=s3cret", "--auth", "basicAuth=a:b=c", "--forbidden-auth", "x=guest"]
    )
    assert args.auth == [("*", "s3cret"), ("basicAuth", "a:b=c")]
    assert args.forbidden_auth == [("x", "guest")]
    assert run(args) == 2
    with pytest.raises(SystemExit):
        parser.parse_args([spec, "--auth", "no-scheme"])
    assert "--auth SCHEME=VALUE" in parser.format_help()
