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
