"""--stateful: create, read, update, list, delete on CRUD-shaped documents, no configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from contractkit.mock.engine import MockEngine
from contractkit.mock.state.resources import infer_resources

MockClient = Callable[..., httpx.AsyncClient]


def test_resources_and_id_fields_are_inferred(specs_dir: Path) -> None:
    engine = MockEngine.from_paths([specs_dir / "crud.yaml", specs_dir / "petstore.yaml"])
    found = {(r.collection, r.item, r.id_field) for r in infer_resources(engine.operations)}
    assert (
        "/projects/{projectId}/notes",
        "/projects/{projectId}/notes/{noteId}",
        "noteId",
    ) in found
    assert ("/pets", "/pets/{petId}", "id") in found


async def test_crud_scenario_with_envelopes_and_nested_collections(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "crud.yaml", stateful=True)
    base = "/projects/p1/notes"
    created = await client.post(base, json={"text": "first"})
    assert created.status_code == 201
    note = created.json()["data"]
    assert note["text"] == "first"
    note_id = note["noteId"]
    second = (await client.post(base, json={"text": "second", "pinned": True})).json()["data"]
    assert second["noteId"] != note_id and second["pinned"] is True

    read = await client.get(f"{base}/{note_id}")
    assert read.status_code == 200 and read.json()["data"] == note

    patched = await client.patch(f"{base}/{note_id}", json={"pinned": True})
    assert patched.json()["data"] == {**note, "pinned": True}
    replaced = await client.put(f"{base}/{note_id}", json={"text": "changed"})
    assert replaced.json()["data"]["text"] == "changed"
    assert replaced.json()["data"]["noteId"] == note_id

    listing = (await client.get(base)).json()
    assert listing["total"] == 2
    assert [n["noteId"] for n in listing["data"]] == [note_id, second["noteId"]]
    page = (await client.get(base, params={"limit": 1, "offset": 1})).json()
    assert [n["noteId"] for n in page["data"]] == [second["noteId"]] and page["total"] == 2
    other_project = (await client.get("/projects/p2/notes")).json()
    assert other_project["data"] == [] and other_project["total"] == 0

    deleted = await client.delete(f"{base}/{note_id}")
    assert deleted.status_code == 204
    gone = await client.get(f"{base}/{note_id}")
    assert gone.status_code == 404
    assert note_id in gone.json()["message"]
    assert [n["noteId"] for n in (await client.get(base)).json()["data"]] == [second["noteId"]]


async def test_integer_ids_location_header_and_reset(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "petstore.yaml", stateful=True)
    headers = {"x-api-key": "k"}
    created = await client.post("/v1/pets", json={"name": "Rex", "kind": "dog"}, headers=headers)
    assert created.json()["id"] == 1
    assert created.headers["location"] == "/v1/pets/1"
    assert (await client.get("/v1/pets/1")).json()["name"] == "Rex"
    assert (await client.post("/__mock/reset")).status_code == 204
    assert (await client.get("/v1/pets/1")).status_code == 404


async def test_without_stateful_answers_are_generated(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "crud.yaml")
    assert (
        await client.delete("/projects/p/notes/3fa85f64-5717-4562-b3fc-2c963f66afa6")
    ).status_code == 204
    read = await client.get("/projects/p/notes/0b8f5e5c-7d3e-4a59-9a43-1f6f3f3b9c11")
    assert read.status_code == 200 and "noteId" in read.json()["data"]


UNDOCUMENTED_404 = """
openapi: 3.0.3
info: {title: hooks, version: "1"}
paths:
  /hooks:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {url: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: &hook
                type: object
                required: [id, url]
                properties: {id: {type: string}, url: {type: string}}
  /hooks/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the hook
          content: {application/json: {schema: *hook}}
    delete:
      responses: {"204": {description: deleted}}
"""


async def test_an_absent_item_gets_a_documented_status_where_no_404_is_documented(
    mock_client: MockClient, tmp_path: Path
) -> None:
    spec = tmp_path / "hooks.yaml"
    spec.write_text(UNDOCUMENTED_404)
    client = mock_client(spec, stateful=True)
    created = (await client.post("/hooks", json={"url": "https://example.org"})).json()
    assert (await client.get(f"/hooks/{created['id']}")).json() == created
    # Neither the read nor the delete documents 404: the mock invents no undocumented status.
    assert (await client.delete(f"/hooks/{created['id']}")).status_code == 204
    assert (await client.get(f"/hooks/{created['id']}")).status_code == 200
    assert (await client.delete("/hooks/nobody")).status_code == 204
