"""Stateful answers chosen by the request: lists filtered by the query parameters that name
stored fields, and x-mock rules that win over the store, on the memory and SQLite engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

MockClient = Callable[..., httpx.AsyncClient]

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["available", "sold"]},
        "kind": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "age": {"type": "integer"},
    },
}
QUERY = [
    {"name": "status", "in": "query", "schema": {"type": "string"}},
    {"name": "kind", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "tags", "in": "query", "schema": {"type": "string"}},
    {"name": "age", "in": "query", "schema": {"type": "integer"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
    {"name": "sort", "in": "query", "schema": {"type": "string"}},
    {"name": "q", "in": "query", "schema": {"type": "string"}},
]
FROZEN = {"id": 99, "name": "Frozen", "status": "sold"}


def _document(tmp_path: Path) -> Path:
    pet_json = {"application/json": {"schema": PET}}
    new_pet = {"type": "object", "properties": PET["properties"]}
    listed = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": PET}, "total": {"type": "integer"}},
    }
    gone = {"description": "no such pet", "content": pet_json}
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "stateful choices", "version": "1"},
        "paths": {
            "/pets": {
                "get": {
                    "parameters": QUERY,
                    "x-mock": {"rules": [{"when": {"header.x-outage": "yes"}, "status": 503}]},
                    "responses": {
                        "200": {
                            "description": "pets",
                            "content": {"application/json": {"schema": listed}},
                        },
                        "503": {"description": "down"},
                    },
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": new_pet}}},
                    "responses": {"201": {"description": "created", "content": pet_json}},
                },
            },
            "/pets/{petId}": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "x-mock": {"rules": [{"when": {"path.petId": 404}, "status": 404}]},
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "x-mock": {
                                "rules": [{"when": {"header.x-frozen": "yes"}, "example": "frozen"}]
                            },
                            "content": {
                                "application/json": {
                                    "schema": PET,
                                    "examples": {
                                        "frozen": {"value": FROZEN},
                                        "other": {"value": {"id": 7, "name": "Other"}},
                                    },
                                }
                            },
                        },
                        "404": gone,
                    },
                },
                "delete": {"responses": {"204": {"description": "gone"}, "404": gone}},
            },
            "/pets/{petId}/toys": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "responses": {
                        "200": {
                            "description": "toys",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"type": "string"}}
                                }
                            },
                        },
                        "404": gone,
                    }
                },
            },
        },
    }
    path = tmp_path / "pets.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(params=["memory", "sqlite"])
def client(request: pytest.FixtureRequest, tmp_path: Path, mock_client: MockClient) -> Any:
    state = "memory" if request.param == "memory" else str(tmp_path / "state.sqlite3")
    return mock_client(_document(tmp_path), stateful=True, state=state)


PETS = [
    {"name": "Rex", "status": "available", "kind": "dog", "tags": ["big", "old"], "age": 9},
    {"name": "Tom", "status": "sold", "kind": "cat", "tags": ["small"], "age": 2},
    {"name": "Max", "status": "sold", "kind": "dog", "tags": ["big"], "age": 2},
    {"name": "Bob", "kind": "fish", "age": 1},
]


async def _names(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get("/pets" + query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "limit=" in query or body["total"] == len(body["data"])
    return [pet["name"] for pet in body["data"]]


async def test_lists_keep_the_stored_records_the_query_names(client: httpx.AsyncClient) -> None:
    for pet in PETS:
        assert (await client.post("/pets", json=pet)).status_code == 201
    assert await _names(client, "") == ["Rex", "Tom", "Max", "Bob"]
    assert await _names(client, "?status=sold") == ["Tom", "Max"]
    assert await _names(client, "?status=sold&kind=dog") == ["Max"]
    assert await _names(client, "?kind=dog&kind=fish") == ["Rex", "Max", "Bob"]
    assert await _names(client, "?age=2") == ["Tom", "Max"]
    assert await _names(client, "?tags=big") == ["Rex", "Max"]
    assert await _names(client, "?status=available&age=2") == []
    # Parameters naming no field, pagination and sorting change nothing about which match.
    assert await _names(client, "?sort=name&q=Tom&colour=red") == ["Rex", "Tom", "Max", "Bob"]
    assert await _names(client, "?status=sold&limit=1") == ["Tom"]
    page = (await client.get("/pets?status=sold&limit=1")).json()
    assert page["total"] == 2


async def test_a_matching_rule_wins_over_the_store(client: httpx.AsyncClient) -> None:
    created = (await client.post("/pets", json={"name": "Rex", "status": "available"})).json()
    pet = f"/pets/{created['id']}"
    assert (await client.get(pet)).json()["name"] == "Rex"
    frozen = await client.get(pet, headers={"x-frozen": "yes"})
    assert frozen.status_code == 200 and frozen.json() == FROZEN
    assert (await client.get("/pets", headers={"x-outage": "yes"})).status_code == 503
    assert (await client.get("/pets/404")).status_code == 404
    # Without a matching rule the store answers, also for ids only examples are named by.
    assert (await client.get("/pets/7")).status_code == 404
    assert (await client.get("/pets")).json()["data"][0]["name"] == "Rex"
    assert (await client.get(pet + "/toys")).status_code == 200
    assert (await client.delete(pet)).status_code == 204
    assert (await client.get(pet)).status_code == 404
    # The engine's deletion mark refuses what lay beneath; the store's creates hand out fresh
    # ids, so a new pet never brings the deleted one's path back.
    assert (await client.get(pet + "/toys")).status_code == 404
    tom = (await client.post("/pets", json={"name": "Tom"})).json()
    assert tom["id"] != created["id"]
    assert (await client.get(pet + "/toys")).status_code == 404
    assert (await client.get(f"/pets/{tom['id']}/toys")).status_code == 200


async def test_missing_credentials_no_status_refuses_still_reach_the_store(
    tmp_path: Path, mock_client: Callable[..., httpx.AsyncClient]
) -> None:
    """An operation that requires credentials but documents no 401 answers what it documents,
    the store included; the missing credentials are named in the violations header."""
    item = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Guarded", "version": "1"},
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "security": [{"basic": []}],
        "paths": {
            "/events": {
                "get": {
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "events",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": item}}
                            },
                        }
                    },
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": item}}},
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {"application/json": {"schema": item}},
                        }
                    },
                },
            },
            "/events/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": item["properties"]["id"],
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "one",
                            "content": {"application/json": {"schema": item}},
                        },
                        "404": {"description": "none"},
                    },
                }
            },
        },
    }
    document = tmp_path / "guarded.yaml"
    document.write_text(yaml.safe_dump(spec))
    client = mock_client(document, stateful=True, state=str(tmp_path / "state.sqlite3"))
    names = ["first", "second", "third"]
    for name in names:
        created = await client.post("/events", json={"name": name})
        assert created.status_code == 201
        assert "Authorization" in created.headers["x-contractkit-violations"]
    pages = [(await client.get(f"/events?limit=2&page={page}")).json() for page in (1, 2, 3)]
    assert [[event["name"] for event in page] for page in pages] == [names[:2], names[2:], []]
    missing = await client.get("/events/99")
    assert missing.status_code == 404
    assert "x-contractkit-warning" in missing.headers
