"""``contractkit serve peerly`` over real HTTP on loopback answers all 17 operations."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.contractkit.serving import running_server
from tests.impl.peerly.idp import FakeIdentityProvider

SECRET = "serve-test-secret-that-is-long-enough-0123456789"


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, FakeIdentityProvider, dict[str, str]]]:
    idp = FakeIdentityProvider().start()
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "PEERLY_JWT_SECRET": SECRET,
        "PEERLY_ORGANISATIONS": "Example Corp=example.com",
        "PEERLY_GOOGLE_TOKENINFO_URL": idp.url,
    }
    try:
        with running_server("peerly", env, "/peerly") as base:
            yield base, idp, env
    finally:
        idp.stop()


def token_for(env: dict[str, str], email: str, role: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "contractkit.cli",
            "token",
            "peerly",
            "--email",
            email,
            "--role",
            role,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_every_peerly_operation_answers_over_http(server) -> None:
    base, idp, env = server
    idp.grant("google-token", "erin@example.com", given_name="Erin", family_name="Lee")
    seen: list[tuple[str, str, int]] = []
    with httpx.Client(base_url=base, timeout=10) as http:

        def call(method: str, path: str, token: str | None = None, **kwargs) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = http.request(method, path, headers=headers, **kwargs)
            seen.append((method, path, response.status_code))
            return response

        erin = call("POST", "/oauth/google", json={"access_token": "google-token"}).json()["data"][
            "token"
        ]
        admin = token_for(env, "admin@example.com", "admin")
        value = call(
            "POST", "/core_values", admin, json={"text": "Care", "description": "We help."}
        ).json()["data"]
        assert (
            call(
                "PUT",
                f"/core_values/{value['id']}",
                admin,
                json={"text": "Kindness", "description": "Be kind."},
            ).status_code
            == 200
        )
        assert call("GET", f"/core_values/{value['id']}", erin).json()["data"]["text"] == "Kindness"
        assert len(call("GET", "/core_values", erin).json()["data"]) == 1
        me = call("GET", "/users/me", erin).json()["data"]
        profile = {"first_name": "Erin", "last_name": "Lee", "display_name": "E. Lee"}
        assert (
            call("PUT", "/users/me", erin, json=profile).json()["data"]["display_name"] == "E. Lee"
        )
        assert {u["email"] for u in call("GET", "/users", erin).json()["data"]} == {
            "erin@example.com",
            "admin@example.com",
        }
        assert call("GET", f"/users/{me['id']}", admin).status_code == 200
        recognition = call(
            "POST",
            "/recognitions",
            admin,
            json={"given_for": me["id"], "core_value_id": value["id"], "text": "Thanks"},
        ).json()["data"]
        assert [r["id"] for r in call("GET", "/recognitions", erin).json()["data"]] == [
            recognition["id"]
        ]
        colleague = token_for(env, "sam@example.com", "employee")
        assert (
            call(
                "POST", f"/recognitions/{recognition['id']}/hi5", colleague, json={"comment": "!"}
            ).status_code
            == 201
        )
        assert (
            call(
                "POST",
                f"/recognitions/{recognition['id']}/report",
                colleague,
                json={"mark_as": "incorrect", "reason": "Typo"},
            ).status_code
            == 201
        )
        assert (
            call(
                "POST",
                f"/recognitions/{recognition['id']}/review",
                admin,
                json={"is_inappropriate": False},
            ).status_code
            == 201
        )
        assert (
            call("PUT", f"/users/{me['id']}", admin, json={"role_id": 2}).json()["data"]["role_id"]
            == 2
        )
        assert call("DELETE", f"/users/{me['id']}", admin).status_code == 200
        assert call("POST", "/logout", admin).status_code == 200
        assert call("GET", "/users/me", admin).status_code == 401
        assert http.get("/ui/").status_code == 200

    operations = {(method, path.split("/")[1]) for method, path, status in seen if status < 300}
    assert len([s for s in seen if s[2] < 300]) >= 17
    assert len(operations) >= 9
