"""Upstream ``st run`` with our hooks module sends GraphQL bodies and still reports real faults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.contract_tests.fixtures.servers import serve_on_loopback
from tests.contract_tests.test_contract_media import answer, graphql_spec

pytestmark = pytest.mark.slow

ST = Path(sys.executable).with_name("st")
HOOKS = "contractkit.contract.hooks.graphql"


async def accept_empty_documents(request: Request) -> JSONResponse:
    """Right about JSON bodies, wrong about ``application/graphql``: takes even an empty one."""
    if not request.headers.get("content-type", "").startswith("application/graphql"):
        return await answer(request)
    await request.body()
    return JSONResponse({"data": {}})


def st_run(endpoint: Any, tmp_path: Path, hooks: str | None) -> subprocess.CompletedProcess[str]:
    spec = tmp_path / "graphql.json"
    spec.write_text(
        json.dumps(graphql_spec("application/graphql", {"type": "string", "minLength": 1}))
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    if hooks:
        env["SCHEMATHESIS_HOOKS"] = hooks
    app = Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])
    with serve_on_loopback(app) as origin:
        return subprocess.run(
            [str(ST), "run", str(spec), "--url", origin, "--max-examples", "5", "--seed", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )


def test_without_the_hooks_st_cannot_send_a_graphql_body(tmp_path: Path) -> None:
    result = st_run(answer, tmp_path, hooks=None)
    assert result.returncode != 0
    assert "Serialization not possible" in result.stdout


def test_with_the_hooks_a_correct_server_passes(tmp_path: Path) -> None:
    result = st_run(answer, tmp_path, hooks=HOOKS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_with_the_hooks_accepting_an_empty_document_is_still_reported(tmp_path: Path) -> None:
    result = st_run(accept_empty_documents, tmp_path, hooks=HOOKS)
    assert result.returncode != 0
    assert "Schema-violating request accepted" in result.stdout, result.stdout[-3000:]
    assert "string smaller than minLength" in result.stdout
    assert "Content-Type: application/graphql" in result.stdout
