"""The very same request to a stateless operation is answered from memory, and only where
that cannot change the answer: deletions, dynamic data, fault rolls and delays still count."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

MockClient = Callable[..., httpx.AsyncClient]


def _remembered(client: httpx.AsyncClient) -> int:
    return len(client._transport.app.engine._answers)  # type: ignore[attr-defined]


async def test_a_repeated_request_gets_the_same_answer_and_is_still_logged(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "petstore.yaml")
    first = await client.get("/v1/pets/7")
    second = await client.get("/v1/pets/7")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert _remembered(client) == 1
    other = await client.get("/v1/pets/7", headers={"prefer": "code=404"})
    assert other.status_code == 404, "another header is another request"
    log = json.loads((await client.get("/__mock/requests")).content)
    assert [entry["status"] for entry in log] == [200, 200, 404]
    coverage = (await client.get("/__mock/coverage")).json()
    assert "getPet" in json.dumps(coverage)


async def test_a_deletion_reaches_answers_given_before_it(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "crud.yaml")
    note = "/projects/a/notes/3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert (await client.get(note)).status_code == 200
    assert (await client.get(note)).status_code == 200
    assert (await client.delete(note)).status_code == 204
    assert (await client.get(note)).status_code == 404
    assert (await client.get(note)).status_code == 404


async def test_dynamic_answers_and_fault_rolls_are_never_remembered(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "petstore.yaml")
    for _ in range(2):
        assert (await client.get("/v1/pets", headers={"prefer": "dynamic=true"})).is_success
    assert _remembered(client) == 0
    faulty = mock_client(specs_dir / "faults.yaml")
    assert {(await faulty.get("/flaky")).status_code for _ in range(3)} == {503}
    assert {(await faulty.get("/slow")).status_code for _ in range(2)} == {200}
    assert _remembered(faulty) == 0


async def test_a_repeated_refusal_is_remembered_and_logged_with_its_violations(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "petstore.yaml")
    invalid = {"name": "", "kind": "fish"}
    answers = [
        await client.post("/v1/pets", json=invalid, headers={"x-api-key": "k"}) for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].content == answers[1].content
    assert (
        answers[0].headers["x-contractkit-violations"]
        == (answers[1].headers["x-contractkit-violations"])
    )
    assert _remembered(client) == 1
    unauthorised = [await client.post("/v1/pets", json=invalid) for _ in range(2)]
    assert [a.status_code for a in unauthorised] == [401, 401]
    assert _remembered(client) == 2
    log = json.loads((await client.get("/__mock/requests")).content)
    assert [entry["status"] for entry in log] == [422, 422, 401, 401]
    assert log[0]["violations"] == log[1]["violations"]
    assert {v["name"] for v in log[1]["violations"]} == {"name", "kind"}
    assert log[3]["violations"] == log[2]["violations"] != []
    fixed = await client.post(
        "/v1/pets", json={"name": "Rex", "kind": "dog"}, headers={"x-api-key": "k"}
    )
    assert fixed.status_code == 201, "another body is another request"


async def test_a_refusal_with_a_delay_is_never_remembered(
    mock_client: MockClient, tmp_path: Path
) -> None:
    document = tmp_path / "slow.yaml"
    document.write_text(
        """
openapi: 3.0.3
info: {title: Slow, version: "1"}
paths:
  /slow:
    get:
      x-mock: {delay: [1, 2]}
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok}
        "400": {description: bad, content: {application/json: {schema: {type: object}}}}
"""
    )
    client = mock_client(document)
    for _ in range(2):
        assert (await client.get("/slow", params={"limit": "none"})).status_code == 400
    assert _remembered(client) == 0
    for _ in range(2):
        assert (await client.get("/slow", params={"limit": "3"})).status_code == 200
    assert _remembered(client) == 0
