"""Ids of stored resources keep the shape their schema asks for, and stay unique."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import yaml

from contractkit.pytest_plugin import build_mock_app

OBJECT_ID = {"type": "string", "pattern": "^[0-9a-f]{24}$", "example": "68123badaa855ca20cdf6451"}
DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "notes", "version": "1"},
    "paths": {
        "/notes": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/New"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
                        },
                    }
                },
            }
        },
        "/notes/{_id}": {
            "get": {
                "parameters": [
                    {"name": "_id", "in": "path", "required": True, "schema": OBJECT_ID}
                ],
                "responses": {
                    "200": {
                        "description": "one",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
                        },
                    },
                    "404": {"description": "none"},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "New": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string"}},
            },
            "Note": {
                "type": "object",
                "required": ["_id", "text"],
                "properties": {"_id": OBJECT_ID, "text": {"type": "string"}},
            },
        }
    },
}


async def test_object_ids_are_numbered_in_their_own_shape(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT), encoding="utf-8")
    app = build_mock_app(spec, stateful=True, seed=1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        created = [
            (await client.post("/notes", json={"text": f"note {n}"})).json() for n in range(5)
        ]
        ids = [note["_id"] for note in created]
        assert len(set(ids)) == 5
        assert all(len(i) == 24 and all(c in "0123456789abcdef" for c in i) for i in ids)
        for note in created:
            read = await client.get(f"/notes/{note['_id']}")
            assert read.status_code == 200
            assert read.json()["text"] == note["text"]


async def test_an_id_no_value_can_hold_leaves_creates_answered(tmp_path: Path) -> None:
    """A document defect (an id that is a uuid of at most 5 characters): each create is
    answered without the id rather than the second one failing for want of a free id."""
    impossible = {"type": "string", "format": "uuid", "maxLength": 5}
    thing = {"type": "object", "properties": {"id": impossible, "name": {"type": "string"}}}
    body = {"application/json": {"schema": thing}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": body},
                    "responses": {"201": {"description": "made", "content": body}},
                },
                "get": {
                    "responses": {
                        "200": {
                            "description": "all",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": thing}}
                            },
                        }
                    }
                },
            },
            "/things/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "one", "content": body}},
                }
            },
        },
    }
    spec = tmp_path / "things.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    transport = httpx.ASGITransport(app=build_mock_app(spec, stateful=True, state="memory"))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        made = [await client.post("/things", json={"name": f"t{n}"}) for n in range(3)]
        assert [m.status_code for m in made] == [201, 201, 201]
        assert all("id" not in m.json() for m in made)
        listed = (await client.get("/things")).json()
        assert [t["name"] for t in listed] == ["t0", "t1", "t2"]


def _things(id_schema: dict[str, object]) -> dict[str, object]:
    """Things created by POST and read by GET, their id shaped by ``id_schema``."""
    thing = {
        "type": "object",
        "required": ["sid", "name"],
        "properties": {"sid": id_schema, "name": {"type": "string"}},
    }
    body = {"application/json": {"schema": thing}}
    new = {"application/json": {"schema": {"type": "object", "properties": {"name": {}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": new},
                    "responses": {"201": {"description": "made", "content": body}},
                }
            },
            "/things/{Sid}": {
                "get": {
                    "parameters": [
                        {"name": "Sid", "in": "path", "required": True, "schema": id_schema}
                    ],
                    "responses": {
                        "200": {"description": "one", "content": body},
                        "404": {"description": "none"},
                    },
                }
            },
        },
    }


async def _created_and_read(tmp_path: Path, id_schema: dict[str, object]) -> list[str]:
    spec = tmp_path / "things.yaml"
    spec.write_text(yaml.safe_dump(_things(id_schema)), encoding="utf-8")
    app = build_mock_app(spec, stateful=True, state=str(tmp_path / "state.db"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        made = [await client.post("/things", json={"name": f"t{n}"}) for n in range(4)]
        assert [m.status_code for m in made] == [201] * 4, [m.text for m in made]
        ids = [m.json()["sid"] for m in made]
        for sid, n in zip(ids, range(4), strict=True):
            read = await client.get(f"/things/{sid}")
            assert read.status_code == 200 and read.json()["name"] == f"t{n}"
    return ids


async def test_prefixed_hex_ids_are_numbered_after_their_prefix(tmp_path: Path) -> None:
    """Twilio-style SIDs: two letters and 32 hex digits."""
    sid = {"type": "string", "pattern": "^DG[0-9a-fA-F]{32}$", "example": "DG" + "aB" * 16}
    ids = await _created_and_read(tmp_path, sid)
    assert len(set(ids)) == 4
    assert all(re.fullmatch("DG[0-9a-fA-F]{32}", i) for i in ids), ids
    assert ids[0].endswith("00000001") and ids[3].endswith("00000004")


async def test_ids_no_numbering_fits_are_generated_for_their_schema(tmp_path: Path) -> None:
    code = {"type": "string", "pattern": "^[A-Z]{3}-[a-z]{4}$", "example": "ABC-defg"}
    ids = await _created_and_read(tmp_path, code)
    assert len(set(ids)) == 4
    assert all(re.fullmatch("[A-Z]{3}-[a-z]{4}", i) for i in ids), ids
