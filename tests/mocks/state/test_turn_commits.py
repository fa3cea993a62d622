"""The built-in server commits the writes of one turn of its event loop together, and answers
them only once they are in the SQLite file (or with 503 when they could not be kept)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from contractkit.mock.serving.httpserver import serve
from contractkit.mock.state.sqlite_store import SqliteBackend
from contractkit.pytest_plugin import build_mock_app, free_port

DOCUMENT = Path(__file__).parent / "pets.yaml"


async def _started(app: object) -> tuple[asyncio.Event, asyncio.Task[None], int]:
    port = free_port()
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, "127.0.0.1", port, stop=stop, started=started))  # type: ignore[arg-type]
    await asyncio.wait_for(started.wait(), 10)
    return stop, task, port


async def _exchange(port: int, raw: bytes, answers: int) -> list[tuple[int, bytes]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    found = []
    for _ in range(answers):
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        lines = head.decode("latin-1").split("\r\n")
        length = next(
            int(v) for k, v in (x.split(": ", 1) for x in lines[1:] if x) if k == "content-length"
        )
        found.append((int(lines[0].split()[1]), await reader.readexactly(length)))
    writer.close()
    await writer.wait_closed()
    return found


def _create(name: str) -> bytes:
    body = json.dumps({"name": name}).encode()
    return (
        b"POST /pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )


def _stored_ids(path: Path) -> set[int]:
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT body FROM contractkit_mock_items WHERE bucket = '/pets'")
        return {json.loads(body)["id"] for (body,) in rows}


async def test_every_answered_create_is_already_in_the_file(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    stop, task, port = await _started(build_mock_app([DOCUMENT], stateful=True, state=str(state)))
    try:

        async def create_then_check(number: int) -> int:
            [(status, body)] = await _exchange(port, _create(f"pet {number}"), 1)
            assert status == 201, body
            created = int(json.loads(body)["id"])
            assert created in _stored_ids(state), "answered before it was committed"
            return created

        ids = await asyncio.gather(*(create_then_check(n) for n in range(24)))
        assert sorted(ids) == list(range(1, 25))
        # A create and a read of it sent together in one packet: the read sees the create.
        pipelined = await _exchange(
            port, _create("Rex") + b"GET /pets/25 HTTP/1.1\r\nHost: x\r\n\r\n", 2
        )
        assert [status for status, _ in pipelined] == [201, 200]
        assert json.loads(pipelined[1][1])["name"] == "Rex"
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


class _LosingBackend(SqliteBackend):
    """A real SQLite file whose turn commits are rolled back instead (a full disk, say)."""

    def release_commits(self) -> bool:
        with self._lock:
            held = self._held
            if held is not None and held.in_transaction:
                held.execute("ROLLBACK")
        super().release_commits()
        return held is None


async def test_writes_that_could_not_be_committed_are_answered_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.sqlite3"
    app = build_mock_app([DOCUMENT], stateful=True, state=str(state))
    losing = _LosingBackend(state)
    monkeypatch.setattr(app.engine, "backend", losing)
    monkeypatch.setattr(app.engine.state, "backend", losing)
    stop, task, port = await _started(app)
    try:
        [(status, body)] = await _exchange(port, _create("Rex"), 1)
        assert status == 503, body
        assert json.loads(body)["title"] == "State unavailable"
        assert _stored_ids(state) == set()
        [(status, _)] = await _exchange(port, b"GET /pets HTTP/1.1\r\nHost: x\r\n\r\n", 1)
        assert status == 200, "a turn without writes commits nothing and answers as usual"
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
