"""A field sent as one JSON type and read as another the read documents (a number sent, an
amount object read) is not compared with what was sent; the run's notes say so."""

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

AMOUNT = {"type": "object", "properties": {"value": {"type": "number"}}}


def spec(read_amount: dict[str, Any]) -> dict[str, Any]:
    new = strings("text", amount={"type": "number", "minimum": 0, "maximum": 1000})
    note = strings("id", "text", amount=read_amount)
    return document(
        "notes",
        {
            "/notes": {
                "post": {"requestBody": json_body(new), "responses": {"201": json_response(note)}}
            },
            "/notes/{id}": {
                "parameters": [path_parameter("id")],
                "get": {"responses": {"200": json_response(note), "404": {"description": "none"}}},
            },
        },
    )


def notes_app(amount_as_object: bool) -> Starlette:
    """Stores what it is sent; reads give the amount back as an object, or as sent plus one
    (the create answer leaves it out)."""
    notes: dict[str, dict[str, Any]] = {}
    numbers = itertools.count(1)

    async def make(request: Request) -> Response:
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return JSONResponse({"error": "text"}, status_code=400)
        amount = body.get("amount")
        if amount is not None and not isinstance(amount, (int, float)):
            return JSONResponse({"error": "amount"}, status_code=400)
        note = {"id": str(next(numbers)), "text": body["text"]}
        stored = dict(note)
        if amount is not None:
            stored["amount"] = {"value": amount} if amount_as_object else amount + 1
        notes[note["id"]] = stored
        return JSONResponse(note, status_code=201)

    async def read(request: Request) -> Response:
        note = notes.get(request.path_params["id"])
        return JSONResponse(note) if note else JSONResponse({}, status_code=404)

    return Starlette(
        routes=[
            Route("/notes", make, methods=["POST"]),
            Route("/notes/{id}", read, methods=["GET"]),
        ]
    )


def run(amount_as_object: bool) -> RunResult:
    read_amount = AMOUNT if amount_as_object else {"type": "number"}
    with serve_on_loopback(notes_app(amount_as_object)) as origin:
        return run_contract(
            spec(read_amount), base_url=origin, phases=("crud",), seed=1, max_examples=5
        )


def test_a_field_the_read_documents_as_another_type_is_noted_not_compared() -> None:
    result = run(amount_as_object=True)
    assert not [f for f in result.findings if f.check.startswith("crud_create")], [
        (f.check, f.message) for f in result.findings
    ]
    noted = [n for n in result.notes if "fields not compared" in n]
    assert noted and "amount (sent as " in noted[0] and "read as object" in noted[0], result.notes


def test_a_field_of_the_same_type_is_still_compared() -> None:
    result = run(amount_as_object=False)
    assert [f for f in result.findings if f.check == "crud_create_read"], result.notes
