"""Schemathesis' use_after_free where the read after the delete documents no status for a
missing resource: noted, not counted; where it documents one, still reported."""

from __future__ import annotations

import itertools
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contractkit.contract import RunResult, run_contract
from tests.contract_tests.documents import (
    document,
    json_body,
    json_response,
    path_parameter,
    strings,
)
from tests.contract_tests.fixtures.common import serve_on_loopback

NOTE = strings("id", "text")


def spec(read_documents_404: bool) -> dict[str, Any]:
    read_answers: dict[str, Any] = {"200": json_response(NOTE)}
    if read_documents_404:
        read_answers["404"] = {"description": "no such note"}
    links = {
        name: {"operationId": name, "parameters": {"id": "$response.body#/id"}}
        for name in ("readNote", "deleteNote")
    }
    made = json_response(NOTE, "made") | {"links": links}
    return document(
        "notes",
        {
            "/notes": {
                "post": {
                    "operationId": "makeNote",
                    "requestBody": json_body(strings("text")),
                    "responses": {"201": made},
                }
            },
            "/notes/{id}": {
                "parameters": [path_parameter("id")],
                "get": {"operationId": "readNote", "responses": read_answers},
                "delete": {
                    "operationId": "deleteNote",
                    "responses": {"204": {"description": "gone"}},
                },
            },
        },
    )


def forgetful_app() -> Starlette:
    """Deletes answer 204 and change nothing: every note reads 200 forever."""
    numbers = itertools.count(1)

    async def make(request: Request) -> Response:
        body = await request.json()
        text = body.get("text") if isinstance(body, dict) else None
        note = {"id": str(next(numbers)), "text": text if isinstance(text, str) else ""}
        return JSONResponse(note, status_code=201)

    async def read(request: Request) -> Response:
        return JSONResponse({"id": request.path_params["id"], "text": "kept"})

    async def delete(request: Request) -> Response:
        return Response(status_code=204)

    return Starlette(
        routes=[
            Route("/notes", make, methods=["POST"]),
            Route("/notes/{id}", read, methods=["GET"]),
            Route("/notes/{id}", delete, methods=["DELETE"]),
        ]
    )


def run(read_documents_404: bool) -> RunResult:
    with serve_on_loopback(forgetful_app()) as origin:
        return run_contract(
            spec(read_documents_404),
            base_url=origin,
            phases=("stateful",),
            seed=1,
            max_examples=10,
        )


def test_a_read_that_documents_no_missing_status_notes_use_after_free() -> None:
    result = run(read_documents_404=False)
    assert not [f for f in result.findings if f.check == "use_after_free"]
    noted = [n for n in result.notes if "use_after_free not counted" in n]
    assert noted and "GET /notes/{id} answered 200" in noted[0], result.notes


def test_a_read_that_documents_404_still_reports_use_after_free() -> None:
    result = run(read_documents_404=True)
    assert [f for f in result.findings if f.check == "use_after_free"], result.findings
    assert not [n for n in result.notes if "use_after_free not counted" in n]
