"""Textual request bodies Schemathesis has no serializer for are sent as text, not reported."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contractkit.contract import run_contract
from contractkit.contract.media import textual_media_without_serializer
from contractkit.openapi import Document


def graphql_spec(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "graphql", "version": "1"},
        "paths": {
            "/graphql": {
                "post": {
                    "operationId": "query",
                    "requestBody": {
                        "required": True,
                        "content": {
                            media_type: {
                                "schema": schema,
                                "examples": {"list": {"value": "query { things { id } }"}},
                            },
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["query"],
                                    "properties": {"query": {"type": "string"}},
                                }
                            },
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "result",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": {"description": "not a query"},
                    },
                }
            }
        },
    }


async def answer(request: Request) -> JSONResponse:
    raw = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0]
    if kind == "application/json":
        try:
            body = json.loads(raw)
        except ValueError:
            return JSONResponse({"error": "bad json"}, status_code=400)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return JSONResponse({"error": "no query"}, status_code=400)
    elif kind != "application/graphql" or not raw:
        return JSONResponse({"error": "not a query"}, status_code=400)
    return JSONResponse({"data": {}})


def test_textual_media_types_without_serializer_are_found() -> None:
    # A media type of its own: the registration of a run is process-wide.
    text = graphql_spec("application/x-unit-query", {"type": "string", "minLength": 1})
    assert textual_media_without_serializer(Document.of(text)) == ["application/x-unit-query"]
    binary = graphql_spec("application/x-thing", {"type": "string", "format": "binary"})
    assert textual_media_without_serializer(Document.of(binary)) == []
    structured = graphql_spec("application/x-other", {"type": "object"})
    assert textual_media_without_serializer(Document.of(structured)) == []


def test_a_graphql_body_is_sent_as_text_and_raises_no_error() -> None:
    app = Starlette(routes=[Route("/graphql", answer, methods=["POST"])])
    spec = graphql_spec("application/graphql", {"type": "string", "minLength": 1})
    result = run_contract(spec, app=app, app_base_path="", seed=2, max_examples=5)
    assert result.errors == [], [(e.title, e.message) for e in result.errors]
    assert result.findings == [], [(f.check, f.message, f.curl) for f in result.findings]
    # Negative bodies that are valid once sent as text are named in the notes, not dropped.
    assert any(
        "negative_data_rejection not counted" in note and "sent as text" in note
        for note in result.notes
    ), result.notes


async def accept_anything(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"data": {}})


def test_a_text_body_that_breaks_its_string_schema_is_still_a_finding() -> None:
    app = Starlette(routes=[Route("/graphql", accept_anything, methods=["POST"])])
    spec = graphql_spec("application/graphql", {"type": "string", "minLength": 1})
    result = run_contract(spec, app=app, app_base_path="", seed=2, max_examples=5)
    rejected = [
        f
        for f in result.findings
        if f.check == "negative_data_rejection" and "application/graphql" in f.curl
    ]
    assert rejected, [(f.check, f.curl) for f in result.findings]
