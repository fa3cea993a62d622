"""A list's entries are checked against its schema once per stored text, and an entry that
does not fit is still made to fit, however often the page was read before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contractkit.mock.document.schemas import RESPONSE, CompiledSchema
from contractkit.mock.state.checked_entries import CheckedEntries
from contractkit.pytest_plugin import build_mock_app

ENTRY = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}}


class CountingSchema(CompiledSchema):
    """A schema that counts the instances it checks."""

    def __init__(self, schema: Any) -> None:
        super().__init__(schema, RESPONSE)
        self.checked: list[Any] = []

    def is_valid(self, instance: Any) -> bool:
        self.checked.append(instance)
        return super().is_valid(instance)


def test_an_entry_is_checked_once_per_text_and_a_misfit_every_time() -> None:
    schema, checked = CountingSchema(ENTRY), CheckedEntries()
    entries = [{"name": "Rex"}, {"name": "Tom"}]
    texts = ['{"name":"Rex"}', '{"name":"Tom"}']
    assert checked.all_valid(schema, entries, texts)
    assert checked.all_valid(schema, entries, texts)
    assert len(schema.checked) == 2, "the second read checks nothing"
    misfit = [{"name": "Rex"}, {"name": "Maximilian"}]
    misfit_texts = ['{"name":"Rex"}', '{"name":"Maximilian"}']
    for _ in range(2):
        assert not checked.all_valid(schema, misfit, misfit_texts)
    assert schema.checked[2:] == [{"name": "Maximilian"}] * 2


def test_the_kept_texts_are_bounded_and_other_schemas_know_nothing() -> None:
    checked = CheckedEntries(limit=2)
    first, second = CountingSchema(ENTRY), CountingSchema(ENTRY)
    entries = [{"name": n} for n in ("a", "b", "c")]
    texts = [f'{{"name":"{n}"}}' for n in ("a", "b", "c")]
    assert checked.all_valid(first, entries, texts)
    assert checked.all_valid(second, entries[:1], texts[:1])
    assert len(second.checked) == 1, "what one schema passed says nothing of another"
    assert checked.all_valid(first, entries, texts)
    assert len(first.checked) > 3, "past the limit, texts are forgotten and checked again"
    long_text = CheckedEntries(largest=4)
    third = CountingSchema(ENTRY)
    for _ in range(2):
        assert long_text.all_valid(third, entries[:1], texts[:1])
    assert len(third.checked) == 2, "texts longer than the largest kept are checked each time"


def _document() -> dict[str, Any]:
    stored = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {}}}
    short_name = ENTRY["properties"]["name"]
    listed = {"type": "object", "properties": {"id": {"type": "integer"}, "name": short_name}}
    body = {"application/json": {"schema": stored}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "pets", "version": "1"},
        "paths": {
            "/pets": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "pets",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": listed}}
                            },
                        }
                    }
                },
                "post": {
                    "requestBody": {"content": body},
                    "responses": {"201": {"description": "made", "content": body}},
                },
            },
            "/pets/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": {"description": "one", "content": body}},
                }
            },
        },
    }


@pytest.mark.parametrize("state", ["sqlite", "memory"])
async def test_a_stored_entry_the_list_rejects_is_fitted_on_every_read(
    tmp_path: Path, state: str
) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(_document()), encoding="utf-8")
    where = str(tmp_path / "state.db") if state == "sqlite" else "memory"
    transport = httpx.ASGITransport(app=build_mock_app(spec, stateful=True, state=where))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        assert (await client.post("/pets", json={"name": "Rex"})).status_code == 201
        for _ in range(2):
            names = [p.get("name") for p in (await client.get("/pets")).json()]
            assert names == ["Rex"]
        assert (await client.post("/pets", json={"name": "Maximilian"})).status_code == 201
        for _ in range(3):
            listed = (await client.get("/pets")).json()
            assert len(listed) == 2
            assert all(len(p.get("name", "")) <= 3 for p in listed), listed
