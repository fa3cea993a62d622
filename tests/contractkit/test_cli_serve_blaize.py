"""``contractkit serve blaize`` over real HTTP on loopback: install, log in, sign requests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.contractkit.serving import running_server
from tests.impl.blaize.conftest import signed_headers

TOKEN_COMMAND = [sys.executable, "-m", "contractkit.cli", "token", "blaize"]
MASTER_KEY = "serve-test-master-key-that-is-long-enough-0123456789"


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "BLAIZE_MASTER_KEY": MASTER_KEY,
        "BLAIZE_INITIAL_ADMIN_EMAIL": "first@example.com",
        "BLAIZE_INITIAL_ADMIN_PASSWORD": "first-password",
        "BLAIZE_ARGON2_TIME_COST": "1",
        "BLAIZE_ARGON2_MEMORY_KIB": "1024",
    }
    with running_server("blaize", env, "/blaize") as base:
        yield base, env


def development_session(env: dict[str, str], email: str, role: str) -> str:
    result = subprocess.run(
        [*TOKEN_COMMAND, "--email", email, "--role", role],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_blaize_installation_and_access_over_http(server) -> None:
    base, env = server
    with httpx.Client(base_url=base, timeout=10) as http:
        login = http.post(
            "/v3/admin/login",
            json={
                "identifiers": {"email_address": "first@example.com"},
                "validators": {"password": "first-password"},
            },
        )
        assert login.status_code == 200
        cookie = login.json()["cookie"]
        http.cookies.clear()
        first = {"Cookie": cookie}
        assert http.post("/v3/initialize", headers=first).status_code == 200
        assert http.post("/v3/initialize", headers=first).status_code == 409

        viewer = {"blaize-admin-session": development_session(env, "viewer@example.com", "viewer")}
        assert http.get("/v3/admin/roles", headers=viewer).status_code == 200
        role = {"email": "x@example.com", "role": "editor"}
        assert http.post("/v3/admin/roles", json=role, headers=viewer).status_code == 403
        assert http.post("/v3/admin/roles", json=role, headers=first).status_code == 201

        own_id = http.get(f"/v3/admin/sessions/{cookie.split('=', 1)[1]}", headers=first).json()
        keys = http.post(f"/v3/admin/users/{own_id['user_id']}/keypairs", headers=first).json()
        body = json.dumps({"email.from": "noreply@example.com"}).encode()
        signed = {
            **signed_headers(
                keys["access_key"], keys["secret_key"], "POST", "/v3/configuration", body
            ),
            "Content-Type": "application/json",
        }
        assert http.post("/v3/configuration", content=body, headers=signed).status_code == 200
        assert http.post("/v3/configuration", content=body, headers=signed).status_code == 401

        user = http.post(
            "/v3/users",
            json={
                "identifiers": {"email_address": "joe@example.com"},
                "validators": {"password": "p"},
            },
            headers=first,
        ).json()["user_id"]
        account = http.post("/v3/accounts", json={"number_of_seats": 1}, headers=first).json()["id"]
        assert http.put(f"/v3/accounts/{account}/users/{user}", headers=first).status_code == 201
        assert http.post("/v3/entitlements/premium", json={}, headers=first).status_code == 201
        grant = {"entitlement_type": "entitlement", "entitlement_id": "premium"}
        assert http.post(f"/v3/users/{user}/grants", json=grant, headers=first).status_code == 201
        model = http.get(f"/v3/users/{user}/accessModel", headers=viewer).json()
        assert [e["id"] for e in model["delivered_entitlements"]] == ["premium"]

        assert http.post("/v3/admin/logout", headers=first).status_code == 200
        assert http.get("/v3/configuration", headers=first).status_code == 401
        assert http.get("/ui/").status_code == 200
