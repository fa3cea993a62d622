"""``contractkit serve blaize`` over real HTTP: request rules decided by script workers.

The scripts run in worker processes of the served app; a script that exhausts its memory or
loops for ever is answered with 409 while the server keeps answering.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.contractkit.serving import cli, running_server

ENV = {
    "PATH": "/usr/bin:/bin",
    "BLAIZE_MASTER_KEY": "serve-rules-master-key-that-is-long-enough-0123456789",
    "BLAIZE_ARGON2_TIME_COST": "1",
    "BLAIZE_ARGON2_MEMORY_KIB": "1024",
}


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**ENV, "CONTRACTKIT_DATA_DIR": str(tmp_path)}
    with running_server("blaize", env, "/blaize") as base:
        yield base, env


def test_rules_are_decided_by_script_workers_and_a_user_jwt(served) -> None:
    base, env = served
    admin = {"blaize-admin-session": cli(env, "token", "blaize", "--email", "admin@example.com")}
    with httpx.Client(base_url=base, headers=admin, timeout=30) as http:
        user = {
            "identifiers": {"email_address": "joe@example.com"},
            "validators": {"password": "p"},
        }
        joe = http.post("/v3/users", json=user).json()["user_id"]
        rules = [
            {"conditions": {"url_pattern": "^/greet"}, "action_script": "return 'hi ' + user.id"},
            {
                "conditions": {"url_pattern": "^/oom"},
                "action_script": "const a = []; while (true) a.push('x'.repeat(999) + a.length)",
            },
            {"conditions": {"url_pattern": "^/loop"}, "action_script": "while (true) {}"},
        ]
        for rule in rules:
            assert http.put("/v3/request-rules", json=rule).status_code == 201
        jwt = cli(env, "token", "blaize", "--user-jwt", "--user-email", "joe@example.com")
        greeted = http.post("/v3/decision-engine", json={"path": "/greet", "jwt": jwt})
        assert greeted.json() == {"status": "200", "body": f"hi {joe}"}
        for path in ("/oom", "/loop"):
            failed = http.post("/v3/decision-engine", json={"path": path})
            assert failed.status_code == 409, failed.text
            assert failed.json()["error"] == "script_error"
        again = http.post("/v3/decision-engine", json={"path": "/greet", "jwt": jwt})
        assert again.json() == {"status": "200", "body": f"hi {joe}"}
