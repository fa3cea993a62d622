"""The built-in HTTP/1.1 server: keep-alive, pipelining in order, chunked bodies, 100-continue."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from contractkit.mock.serving.httpserver import serve
from contractkit.pytest_plugin import build_mock_app, free_port


@pytest.fixture
async def address(specs_dir: Path) -> AsyncIterator[tuple[str, int]]:
    app = build_mock_app([specs_dir / "petstore.yaml", specs_dir / "faults.yaml"])
    port = free_port()
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, "127.0.0.1", port, stop=stop, started=started))
    await asyncio.wait_for(started.wait(), 10)
    yield "127.0.0.1", port
    stop.set()
    await asyncio.wait_for(task, 10)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:] if line)
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def test_pipelined_requests_are_answered_in_order(address: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(
        b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    await writer.drain()
    first, second, third = [await read_response(reader) for _ in range(3)]
    assert first[0] == 200 and json.loads(first[2]) == {"ok": True}
    assert second[0] == 200 and json.loads(second[2])["name"] == "Rex"
    assert third[0] == 404
    writer.close()
    await writer.wait_closed()


async def test_chunked_body_with_expect_continue(address: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    body = json.dumps({"name": "", "kind": "dog"}).encode()
    writer.write(
        b"POST /v1/pets HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    )
    await writer.drain()
    assert (
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        == b"HTTP/1.1 100 Continue\r\n\r\n"
    )
    half = len(body) // 2
    for chunk in (body[:half], body[half:]):
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    status, headers, payload = await read_response(reader)
    assert status == 422
    assert json.loads(headers["x-contractkit-violations"])[0]["name"] == "name"
    assert json.loads(payload)["errors"][0]["field"] == "name"
    writer.close()
    await writer.wait_closed()


async def test_connection_close_and_malformed_requests(address: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b"HEAD /v1/pets/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.read(), 10)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and head.endswith(b"\r\n\r\n")
    assert b"connection: close" in head
    writer.close()
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b"NOT HTTP AT ALL\r\n\r\n")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request")
    writer.close()


async def test_request_targets_in_absolute_form_or_with_a_fragment(
    address: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    host, port = address
    writer.write(
        f"GET http://{host}:{port}/v1/pets/1?x=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        + b"GET /v1/pets/1#top HTTP/1.1\r\nHost: x\r\n\r\n"
        + b"GET /v1/pets?limit=0 HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    await writer.drain()
    absolute, fragment, query = [await read_response(reader) for _ in range(3)]
    assert absolute[0] == 200 and json.loads(absolute[2])["name"] == "Rex"
    assert fragment[0] == 200 and json.loads(fragment[2])["name"] == "Rex"
    assert query[0] == 400, "the query reaches validation: limit has minimum 1"
    writer.close()
    await writer.wait_closed()


async def test_a_malformed_request_is_answered_after_those_before_it(
    address: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(
        b"GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
        b"NOT HTTP AT ALL\r\n\r\n"
    )
    await writer.drain()
    first, slow, refused = [await read_response(reader) for _ in range(3)]
    assert first[0] == 200 and json.loads(first[2])["name"] == "Rex"
    assert slow[0] == 200 and json.loads(slow[2]) == {"ok": True}
    assert refused[0] == 400 and refused[1].get("connection") == "close"
    assert await asyncio.wait_for(reader.read(), 10) == b""
    writer.close()
    await writer.wait_closed()
