"""The built-in server answers a read that is the very same bytes as an earlier request with a
remembered answer without parsing it again: still logged and counted, never stale."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from contractkit.mock.serving import httpserver
from contractkit.mock.serving.httpserver import serve
from contractkit.pytest_plugin import build_mock_app, free_port

from .test_httpserver import read_response

NOTE = "/projects/a/notes/3fa85f64-5717-4562-b3fc-2c963f66afa6"
Served = tuple[Any, tuple[str, int], list[int]]


@pytest.fixture
async def served(specs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Served]:
    """A served stateless mock of crud.yaml, its app, its address and a count of the
    requests the server parsed."""
    parsed = [0]
    begin: Callable[[Any], None] = httpserver._Connection.on_message_begin

    def counting_begin(connection: Any) -> None:
        parsed[0] += 1
        begin(connection)

    monkeypatch.setattr(httpserver._Connection, "on_message_begin", counting_begin)
    app = build_mock_app([specs_dir / "crud.yaml"])
    port = free_port()
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, "127.0.0.1", port, stop=stop, started=started))
    await asyncio.wait_for(started.wait(), 10)
    yield app, ("127.0.0.1", port), parsed
    stop.set()
    await asyncio.wait_for(task, 10)


async def _exchange(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, data: bytes, answers: int = 1
) -> list[tuple[int, dict[str, str], bytes]]:
    writer.write(data)
    await writer.drain()
    return [await read_response(reader) for _ in range(answers)]


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


async def test_the_same_bytes_are_answered_again_unparsed_logged_and_counted(
    served: Served,
) -> None:
    app, address, parsed = served
    reader, writer = await asyncio.open_connection(*address)
    answers = [(await _exchange(writer, reader, _get(NOTE)))[0] for _ in range(4)]
    assert {a[0] for a in answers} == {200}
    assert len({a[2] for a in answers}) == 1
    assert parsed[0] == 2, "parsed twice: the second answer came from memory and was learned"
    assert [e["status"] for e in app.engine.log.entries()] == [200] * 4
    coverage = app.engine.coverage.report()
    assert coverage["summary"]["operations_called"] == 1
    assert next(r for r in coverage["operations"] if r["calls"])["calls"] == 4
    writer.close()
    await writer.wait_closed()


async def test_a_deletion_mark_and_a_reset_reach_answers_given_unparsed(served: Served) -> None:
    _, address, _ = served
    reader, writer = await asyncio.open_connection(*address)
    for _ in range(3):
        assert (await _exchange(writer, reader, _get(NOTE)))[0][0] == 200
    deleted = await _exchange(writer, reader, f"DELETE {NOTE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert deleted[0][0] == 204
    for _ in range(2):
        assert (await _exchange(writer, reader, _get(NOTE)))[0][0] == 404
    reset = b"POST /__mock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    assert (await _exchange(writer, reader, reset))[0][0] in (200, 204)
    assert (await _exchange(writer, reader, _get(NOTE)))[0][0] == 200
    writer.close()
    await writer.wait_closed()


async def test_a_reload_is_never_answered_from_the_engine_before_it(served: Served) -> None:
    app, address, parsed = served
    reader, writer = await asyncio.open_connection(*address)
    for _ in range(2):
        await _exchange(writer, reader, _get(NOTE))
    assert app.reload()
    before = parsed[0]
    assert (await _exchange(writer, reader, _get(NOTE)))[0][0] == 200
    assert parsed[0] == before + 1, "the new engine answers, parsing the request"
    assert [e["status"] for e in app.engine.log.entries()] == [200]
    writer.close()
    await writer.wait_closed()


async def test_reads_of_several_requests_or_of_part_of_one_are_parsed(served: Served) -> None:
    app, address, parsed = served
    reader, writer = await asyncio.open_connection(*address)
    two = _get(NOTE) + _get(NOTE)
    for _ in range(3):
        answers = await _exchange(writer, reader, two, answers=2)
        assert [a[0] for a in answers] == [200, 200]
    assert parsed[0] == 6
    head, tail = _get(NOTE)[:10], _get(NOTE)[10:]
    for _ in range(2):
        writer.write(head)
        await writer.drain()
        await asyncio.sleep(0.05)
        assert (await _exchange(writer, reader, tail))[0][0] == 200
    assert parsed[0] == 8
    assert len(app.engine.log.entries()) == 8
    writer.close()
    await writer.wait_closed()


async def test_cross_origin_and_closing_requests_are_parsed_every_time(served: Served) -> None:
    _, address, parsed = served
    reader, writer = await asyncio.open_connection(*address)
    cross = f"GET {NOTE} HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n".encode()
    for _ in range(3):
        status, headers, _ = (await _exchange(writer, reader, cross))[0]
        assert status == 200 and headers["access-control-allow-origin"] == "https://app.example"
    assert parsed[0] == 3
    writer.close()
    await writer.wait_closed()
    for _ in range(2):
        reader, writer = await asyncio.open_connection(*address)
        closing = f"GET {NOTE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        writer.write(closing)
        await writer.drain()
        assert (await asyncio.wait_for(reader.read(), 10)).startswith(b"HTTP/1.1 200 OK")
        writer.close()
        await writer.wait_closed()
    assert parsed[0] == 5
