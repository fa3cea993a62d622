"""Pagination styles beyond limit/offset, on a small server whose creates answer only `Location`.

The server keeps things in memory; `style` picks page/per_page (with `meta.total_count`) or a
cursor with a `next` link; `fault` makes its pages repeat an item or its total miscount.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contractkit.contract import run_contract

THING = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}}
STORED = {
    "type": "object",
    "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
}
QUERY = {
    "page": [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    ],
    "cursor": [
        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    ],
}


def spec(style: str) -> dict[str, Any]:
    item_id = {"name": "thingId", "in": "path", "required": True, "schema": {"type": "integer"}}
    stored = {"application/json": {"schema": STORED}}
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Things by {style}", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "parameters": QUERY[style],
                    "responses": {
                        "200": {"description": "a page", "content": {"application/json": {}}}
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": THING}},
                    },
                    "responses": {
                        "201": {
                            "description": "made; the id is only in Location",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                        }
                    },
                },
            },
            "/things/{thingId}": {
                "parameters": [item_id],
                "get": {
                    "responses": {
                        "200": {"description": "it", "content": stored},
                        "404": {"description": "none"},
                    }
                },
            },
        },
    }


def build_app(style: str, fault: str | None = None) -> Starlette:
    things: dict[int, dict[str, Any]] = {}
    ids = itertools.count(1)

    async def create(request: Request) -> Response:
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("name", ""), str):
            return JSONResponse({"error": "bad body"}, status_code=400)
        thing_id = next(ids)
        things[thing_id] = {"id": thing_id, "name": body.get("name", "")}
        return Response(status_code=201, headers={"Location": f"/things/{thing_id}"})

    async def read(request: Request) -> Response:
        thing = things.get(int(request.path_params["thing_id"]))
        return JSONResponse(thing) if thing else JSONResponse({"error": "none"}, status_code=404)

    async def listing(request: Request) -> Response:
        ordered = [things[key] for key in sorted(things)]
        if style == "page":
            size = int(request.query_params.get("per_page", "10"))
            start = (int(request.query_params.get("page", "1")) - 1) * size
            if fault == "repeat" and start:
                start -= 1
            total = len(ordered) + (1 if fault == "total" else 0)
            page = ordered[start : start + size]
            return JSONResponse({"results": page, "meta": {"total_count": total}})
        size = int(request.query_params.get("limit", "10"))
        start = int(request.query_params.get("cursor") or 0)
        page = ordered[start : start + size]
        following = start + len(page) - (1 if fault == "repeat" else 0)
        more = start + len(page) < len(ordered)
        link = f"/things?cursor={following}&limit={size}" if more else None
        return JSONResponse({"items": page, "links": {"next": link}})

    return Starlette(
        routes=[
            Route("/things", create, methods=["POST"]),
            Route("/things", listing, methods=["GET"]),
            Route("/things/{thing_id:int}", read, methods=["GET"]),
        ]
    )


def crud(style: str, fault: str | None = None) -> Any:
    return run_contract(
        spec(style), app=build_app(style, fault), app_base_path="", seed=3, phases=["crud"]
    )


@pytest.mark.parametrize("style", ["page", "cursor"])
def test_correct_pagination_passes_and_the_id_comes_from_location(style: str) -> None:
    result = crud(style)

    assert result.findings == [] and result.notes == [] and result.warnings == []
    (family,) = result.families
    assert family.checked and family.detail.endswith("id at Location header")
    assert not any(entry.startswith("pagination_complete") for entry in family.skipped)


@pytest.mark.parametrize(
    ("style", "fault", "check"),
    [
        ("page", "repeat", "pagination_complete"),
        ("page", "total", "pagination_total"),
        ("cursor", "repeat", "pagination_complete"),
    ],
)
def test_pagination_faults_are_found(style: str, fault: str, check: str) -> None:
    result = crud(style, fault)

    assert result.checks_failed() == {check}
    finding = result.findings[0]
    assert "/things" in finding.curl and finding.curl.startswith("curl ")
