"""Stateful answers keep their documented shapes; deleted resources stay deleted in every mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

from contractkit.mock.state.resources import json_media

MockClient = Callable[..., httpx.AsyncClient]


def schema_of(client: httpx.AsyncClient, operation_id: str) -> object:
    app = client._transport.app  # type: ignore[attr-defined]
    operation = next(op for op in app.engine.operations if op.operation_id == operation_id)
    found = json_media(operation)
    assert found is not None
    return found[1].schema


async def test_created_resource_is_readable_when_the_create_answer_is_one_of_two_shapes(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "nested.yaml", stateful=True)
    created = await client.post("/api/users", json={"email": "ada@example.com"})
    assert created.status_code == 201
    user_id = created.json()["user_id"]
    assert user_id != "ABC123", "the id must be fresh, not the example's"
    read = await client.get(f"/api/users/{user_id}")
    assert read.status_code == 200
    assert read.json()["email"] == "ada@example.com"
    assert schema_of(client, "getUser").is_valid(read.json())  # type: ignore[attr-defined]
    listed = (await client.get("/api/users")).json()["results"]
    assert [entry["user_id"] for entry in listed] == [user_id]
    assert schema_of(client, "listUsers").is_valid({"results": listed})  # type: ignore[attr-defined]


async def test_an_array_create_stores_every_entry_and_answers_an_array(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "nested.yaml", stateful=True)
    created = await client.post(
        "/api/users", json=[{"email": "a@example.com"}, {"email": "b@example.com"}]
    )
    assert created.status_code == 201
    answer = created.json()
    assert isinstance(answer, list) and len(answer) == 2
    assert schema_of(client, "createUser").is_valid(answer)  # type: ignore[attr-defined]
    for entry, email in zip(answer, ("a@example.com", "b@example.com"), strict=True):
        read = await client.get(f"/api/users/{entry['user_id']}")
        assert read.json()["email"] == email


async def test_reads_and_lists_fill_in_required_fields_the_create_did_not_answer(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "nested.yaml", stateful=True)
    created = await client.post(
        "/api/rules/r1/versions", json={"label": "first", "created": "not a date"}
    )
    assert created.status_code == 200
    version = created.json()["version"]
    read = await client.get(f"/api/rules/r1/versions/{version}")
    assert read.status_code == 200
    body = read.json()
    assert schema_of(client, "getVersion").is_valid(body), body  # type: ignore[attr-defined]
    assert body["version"] == version and body["label"] == "first"
    assert body.get("created") != "not a date"
    listed = (await client.get("/api/rules/r1/versions")).json()
    assert schema_of(client, "listVersions").is_valid(listed), listed  # type: ignore[attr-defined]
    assert [entry["version"] for entry in listed] == [version]


async def test_deleted_resources_and_what_lies_beneath_them_answer_404_without_state(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "nested.yaml")
    assert (await client.get("/api/users/ABC123/attributes")).status_code == 200
    assert (await client.delete("/api/users/ABC123")).status_code == 204
    assert (await client.get("/api/users/ABC123")).status_code == 404
    assert (await client.get("/api/users/ABC123/attributes")).status_code == 404
    assert (await client.get("/api/users/OTHER")).status_code == 200
    assert (
        await client.get("/api/users/ABC123", headers={"prefer": "code=200"})
    ).status_code == 200
    created = await client.post("/api/users", json={"email": "ada@example.com"})
    assert created.json()["user_id"] == "ABC123"
    assert (await client.get("/api/users/ABC123")).status_code == 200
    assert (await client.delete("/api/users/ABC123")).status_code == 204
    assert (await client.post("/__mock/reset")).status_code == 204
    assert (await client.get("/api/users/ABC123/attributes")).status_code == 200
    log = json.loads((await client.get("/__mock/requests")).content)
    assert [entry["status"] for entry in log] == [200], "reset forgets the log too"


async def test_with_state_what_lies_beneath_a_deleted_resource_answers_404(
    mock_client: MockClient, specs_dir: Path, tmp_path: Path
) -> None:
    client = mock_client(
        specs_dir / "nested.yaml", stateful=True, state=str(tmp_path / "state.sqlite3")
    )
    first = (await client.post("/api/users", json={"email": "a@example.com"})).json()["user_id"]
    second = (await client.post("/api/users", json={"email": "b@example.com"})).json()["user_id"]
    assert (await client.get(f"/api/users/{first}/attributes")).status_code == 200
    assert (await client.delete(f"/api/users/{first}")).status_code == 204
    assert (await client.get(f"/api/users/{first}")).status_code == 404
    assert (await client.get(f"/api/users/{first}/attributes")).status_code == 404
    assert (await client.get(f"/api/users/{second}/attributes")).status_code == 200
    assert (await client.delete(f"/api/users/{first}")).status_code == 404
    # A new user gets a fresh id: the deleted one stays deleted beneath.
    third = (await client.post("/api/users", json={"email": "c@example.com"})).json()["user_id"]
    assert third not in (first, second)
    assert (await client.get(f"/api/users/{first}/attributes")).status_code == 404


def test_deletion_marks_are_left_and_looked_up_only_where_they_can_matter(
    mock_client: MockClient, specs_dir: Path
) -> None:
    def plan_of(stateful: bool) -> dict[str, tuple[tuple[int, ...], bool, bool]]:
        client = mock_client(specs_dir / "nested.yaml", stateful=stateful)
        engine = client._transport.app.engine  # type: ignore[attr-defined]
        plan = engine.deleted.plan
        return {
            op.operation_id: (plan.checks(op), plan.marks(op), plan.lifts(op))
            for op in engine.operations
        }

    stateless = plan_of(stateful=False)
    assert stateless["getUser"] == ((2,), False, False)
    assert stateless["deleteUser"] == ((2,), True, False)
    assert stateless["getAttributes"] == ((2,), False, False)
    assert stateless["createUser"] == ((), False, True)
    stateful = plan_of(stateful=True)
    # The store knows its own users are gone; only the attributes beneath need the mark.
    assert stateful["getUser"] == ((), False, False)
    assert stateful["deleteUser"] == ((), True, False)
    assert stateful["getAttributes"] == ((2,), False, False)
    assert stateful["listVersions"] == ((), False, False)
    assert stateful["createUser"] == ((), False, False)
