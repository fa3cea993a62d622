"""An in-process app that raises is reported as a server error, as over the network."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contractkit.contract import run_contract

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "crashy", "version": "1"},
    "paths": {
        "/boom": {
            "get": {
                "operationId": "boom",
                "parameters": [
                    {"name": "n", "in": "query", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": {"description": "bad n"},
                },
            }
        }
    },
}


async def boom(request: Request) -> JSONResponse:
    raw = request.query_params.get("n")
    if raw is None or not raw.lstrip("-").isdigit():
        return JSONResponse({"error": "n must be an integer"}, status_code=400)
    if int(raw) % 2 == 0:
        raise RuntimeError("even numbers are not handled")
    return JSONResponse({"n": int(raw)})


def test_exceptions_escaping_the_app_become_server_error_findings() -> None:
    app = Starlette(routes=[Route("/boom", boom)])
    result = run_contract(SPEC, app=app, app_base_path="", seed=3, max_examples=20)
    checks = {finding.check for finding in result.findings}
    assert "not_a_server_error" in checks, [(f.check, f.message) for f in result.findings]
