"""Stateful lists page by offset or by page number, each item on exactly one page."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from contractkit.pytest_plugin import build_mock_app

NOTE = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}


def _document(first_page: int) -> dict[str, object]:
    page = {"type": "integer", "minimum": first_page}
    listed = {"application/json": {"schema": {"type": "array", "items": NOTE}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "notes", "version": "1"},
        "paths": {
            "/notes": {
                "get": {
                    "parameters": [
                        {"name": "page", "in": "query", "schema": page},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": {"description": "notes", "content": listed}},
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": NOTE}}},
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {"application/json": {"schema": NOTE}},
                        }
                    },
                },
            },
            "/notes/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "one",
                            "content": {"application/json": {"schema": NOTE}},
                        }
                    },
                }
            },
        },
    }


@pytest.mark.parametrize("first_page", [1, 0])
async def test_page_numbers_walk_every_item_once(tmp_path: Path, first_page: int) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(yaml.safe_dump(_document(first_page)), encoding="utf-8")
    transport = httpx.ASGITransport(app=build_mock_app(spec, stateful=True, seed=1))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        made = [(await client.post("/notes", json={"id": 1})).json()["id"] for _ in range(5)]
        pages = [
            [note["id"] for note in (await client.get(f"/notes?limit=2&page={n}")).json()]
            for n in range(first_page, first_page + 3)
        ]
    assert [i for page in pages for i in page] == made


async def test_page_sizes_and_numbers_beyond_64_bits_or_below_zero_answer_a_page(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(yaml.safe_dump(_document(1)), encoding="utf-8")
    app = build_mock_app(spec, stateful=True, state=str(tmp_path / "state.sqlite3"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        for _ in range(2):
            assert (await client.post("/notes", json={"id": 1})).status_code == 201
        huge = await client.get("/notes?limit=-19613967425638465536&page=390963")
        assert huge.status_code == 200 and huge.json() == []
        far = await client.get("/notes?limit=2&page=99999999999999999999999")
        assert far.status_code == 200 and far.json() == []


async def test_page_size_parameters_are_recognised_in_any_case(tmp_path: Path) -> None:
    """``pageSize`` (Xero), as ``page_size`` or ``limit``."""
    document = _document(1)
    parameters = document["paths"]["/notes"]["get"]["parameters"]  # type: ignore[index]
    parameters[1]["name"] = "pageSize"
    spec = tmp_path / "notes.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    transport = httpx.ASGITransport(app=build_mock_app(spec, stateful=True, seed=1))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        made = [(await client.post("/notes", json={"id": 1})).json()["id"] for _ in range(5)]
        pages = [
            [note["id"] for note in (await client.get(f"/notes?pageSize=2&page={n}")).json()]
            for n in (1, 2, 3)
        ]
    assert pages == [made[0:2], made[2:4], made[4:]]
