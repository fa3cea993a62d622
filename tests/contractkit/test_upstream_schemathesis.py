"""Upstream Schemathesis (`st run`, every check) against each served document of each API.

Each API runs as a real ``contractkit serve`` process on loopback; each document gets a fresh
credential from ``contractkit token``, because some documents exercise logout. ``st`` loads our
hooks module for GraphQL bodies (``application/graphql``), which it cannot send by itself.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from contractkit.impl.app import served_documents
from tests.contractkit.serving import cli, running_server
from tests.impl.peerly.idp import FakeIdentityProvider

pytestmark = pytest.mark.slow

ST = Path(sys.executable).with_name("st")
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "PEERLY_JWT_SECRET": "upstream-peerly-secret-long-enough-0123456789",
    "PEERLY_ORGANISATIONS": "Example Corp=example.com",
    "CHAINSITE_JWT_SECRET": "upstream-chainsite-secret-long-enough-012345",
    "PERS_JWT_SECRET": "upstream-pers-secret-long-enough-0123456789ab",
    "BLAIZE_MASTER_KEY": "upstream-blaize-master-key-long-enough-0123456",
    "BLAIZE_ARGON2_TIME_COST": "1",
    "BLAIZE_ARGON2_MEMORY_KIB": "1024",
    # The seed's webhook examples (and values generated from the `uri` schema) may name
    # loopback or private hosts, which only an operator's setting lets through; the refusal
    # itself is tested in tests/impl/blaize/test_webhook_targets.py.
    "BLAIZE_WEBHOOK_ALLOW_PRIVATE": "1",
}

Credential = Callable[[dict[str, str]], str]
CREDENTIALS: dict[str, Credential] = {
    "peerly": lambda env: (
        "Authorization: Bearer "
        + cli(env, "token", "peerly", "--email", "admin@example.com", "--role", "admin")
    ),
    "chainsite": lambda env: (
        "Authorization: Bearer "
        + cli(env, "token", "chainsite", "--user-id", "680b8f5b03127a4fd7110e38")
    ),
    "pers": lambda env: (
        "Authorization: Bearer " + cli(env, "token", "pers", "--tenant", "acme", "--role", "admin")
    ),
    "blaize": lambda env: (
        "blaize-admin-session: " + cli(env, "token", "blaize", "--email", "admin@example.com")
    ),
}
ST_HOOKS = {"SCHEMATHESIS_HOOKS": "contractkit.contract.hooks.graphql"}
BASE_PATHS = {
    "peerly": "/peerly",
    "chainsite": "/chainsite",
    "pers": "/pers/v2",
    "blaize": "/blaize",
}


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider().start()
    yield provider
    provider.stop()


@pytest.mark.parametrize("api", sorted(CREDENTIALS))
def test_st_run_reports_no_failure(api: str, tmp_path: Path, idp: FakeIdentityProvider) -> None:
    env = {
        **BASE_ENV,
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "PEERLY_GOOGLE_TOKENINFO_URL": idp.url,
    }
    failures = []
    with running_server(api, env, BASE_PATHS[api]) as base:
        for document in served_documents(api):
            result = subprocess.run(
                [
                    str(ST),
                    "run",
                    str(document),
                    "--url",
                    base,
                    "-H",
                    CREDENTIALS[api](env),
                    "--max-examples",
                    "5",
                    "--seed",
                    "1",
                ],
                env={**env, **ST_HOOKS},
                capture_output=True,
                text=True,
                timeout=600,
            )
            if result.returncode != 0:
                failures.append(f"{document.name}:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)
