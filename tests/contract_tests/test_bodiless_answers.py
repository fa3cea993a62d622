"""No Content-Type is needed on an answer without a body to a response that declares none."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contractkit.contract import RunResult, run_contract
from contractkit.contract.bodiless_answers import declares_body, documented_response
from contractkit.openapi import Document
from tests.contract_tests.fixtures.common import serve_on_loopback

# Swagger 2.0: the global `produces` is no media type of a response without `schema`.
SPEC: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "hooks", "version": "1"},
    "produces": ["application/json"],
    "consumes": ["application/json"],
    "paths": {
        "/hooks": {
            "get": {
                "responses": {
                    "200": {
                        "description": "the hooks",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    }
                }
            }
        },
        "/hooks/{hook_id}": {
            "delete": {
                "parameters": [
                    {"name": "hook_id", "in": "path", "required": True, "type": "string"}
                ],
                "responses": {"204": {"description": "No content"}},
            }
        },
        "/purge": {"post": {"responses": {"202": {"description": "queued"}}}},
    },
}


def hooks_app(*, bodies_without_type: bool) -> Starlette:
    """A correct server, or one that answers bodies without a Content-Type."""
    untyped = b"queued" if bodies_without_type else b""

    async def hooks(request: Request) -> Response:
        if bodies_without_type:
            return Response(b"[]")
        return Response(b"[]", media_type="application/json")

    async def delete(request: Request) -> Response:
        return Response(status_code=204)

    async def purge(request: Request) -> Response:
        return Response(untyped, status_code=202)

    return Starlette(
        routes=[
            Route("/hooks", hooks, methods=["GET"]),
            Route("/hooks/{hook_id}", delete, methods=["DELETE"]),
            Route("/purge", purge, methods=["POST"]),
        ]
    )


def run_against(app: Starlette) -> RunResult:
    with serve_on_loopback(app) as origin:
        return run_contract(
            SPEC, base_url=origin, phases=("examples", "coverage"), seed=1, max_examples=3
        )


def test_responses_without_schema_or_content_declare_no_body() -> None:
    swagger = Document.bundled(SPEC)
    purge = next(op for op in swagger.operations if op.path == "/purge")
    response = documented_response(purge, 202)
    assert response is not None and not declares_body(swagger, response)
    listing = next(op for op in swagger.operations if op.path == "/hooks")
    response = documented_response(listing, 200)
    assert response is not None and declares_body(swagger, response)
    openapi = Document.bundled(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {
                    "get": {
                        "responses": {
                            "2XX": {"description": "none"},
                            "default": {
                                "description": "error",
                                "content": {"application/json": {"schema": {}}},
                            },
                        }
                    }
                }
            },
        }
    )
    (operation,) = openapi.operations
    ranged, fallback = documented_response(operation, 204), documented_response(operation, 500)
    assert ranged is not None and not declares_body(openapi, ranged)
    assert fallback is not None and declares_body(openapi, fallback)


def test_an_answer_without_body_needs_no_content_type() -> None:
    result = run_against(hooks_app(bodies_without_type=False))
    assert not result.findings, [(f.operation, f.check, f.message) for f in result.findings]
    (note,) = [note for note in result.notes if "content_type_conformance" in note]
    assert "DELETE /hooks/{hook_id} (204 without a body)" in note
    assert "POST /purge (202 without a body)" in note


def test_a_body_without_content_type_is_still_reported() -> None:
    result = run_against(hooks_app(bodies_without_type=True))
    missing = {f.operation for f in result.findings if f.check == "content_type_conformance"}
    # A body where the response declares none, and a declared body, both untyped.
    assert missing == {"POST /purge", "GET /hooks"}, missing
