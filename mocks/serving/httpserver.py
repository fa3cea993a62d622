"""A small, fast HTTP/1.1 server for the mock (asyncio + httptools, uvloop when installed).

The engine is synchronous and cheap per request, so a general-purpose ASGI server's
per-request machinery dominates the cost of an answer; this server parses with httptools
and writes the engine's answer directly. It supports keep-alive, pipelining (answers stay
in order, also when some are delayed), chunked request bodies, ``Expect: 100-continue``
and several worker processes sharing one port (``SO_REUSEPORT``). The ASGI adapter in
:mod:`contractkit.mock.server` stays the way to embed the mock in other servers and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httptools

from contractkit.heap import keep_out_of_collections
from contractkit.mock.engine import MockEngine
from contractkit.mock.generation.errors import problem_response
from contractkit.mock.server import MockApp, app_from_environment
from contractkit.mock.state.backend import StateBackend
from contractkit.mock.types import MockRequest, MockResponse

_STATUS_LINES: dict[int, bytes] = {}
_date_cache: list[Any] = [0, b""]


def _status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Status"
        line = f"HTTP/1.1 {status} {phrase}\r\n".encode()
        _STATUS_LINES[status] = line
    return line


def _date_header() -> bytes:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0] = now
        _date_cache[1] = (
            b"date: "
            + time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now)).encode()
            + b"\r\n"
        )
    header: bytes = _date_cache[1]
    return header


_ENCODED: dict[tuple[int, bool, bool], tuple[MockResponse, bytes]] = {}
_ENCODED_LIMIT = 1024


def encode_response(
    response: MockResponse, extra: list[tuple[bytes, bytes]], keep_alive: bool, head: bool
) -> bytes:
    """The bytes of one HTTP/1.1 answer (everything after the date line is kept for answers
    given again, which the engine hands out as the very same objects)."""
    if extra or not response.given_again:
        return _encoded(response, extra, keep_alive, head)
    key = (id(response), keep_alive, head)
    found = _ENCODED.get(key)
    if found is None or found[0] is not response:
        if len(_ENCODED) >= _ENCODED_LIMIT:
            _ENCODED.pop(next(iter(_ENCODED)))
        found = (response, _encoded(response, extra, keep_alive, head, dated=False))
        _ENCODED[key] = found
    return _status_line(response.status) + _date_header() + found[1]


def _encoded(
    response: MockResponse,
    extra: list[tuple[bytes, bytes]],
    keep_alive: bool,
    head: bool,
    dated: bool = True,
) -> bytes:
    parts = [_status_line(response.status), _date_header()] if dated else []
    for name, value in response.headers.items():
        parts.append(f"{name}: {value}\r\n".encode("latin-1", "replace"))
    for raw_name, raw_value in extra:
        parts.append(raw_name + b": " + raw_value + b"\r\n")
    parts.append(b"content-length: %d\r\n" % len(response.body))
    if not keep_alive:
        parts.append(b"connection: close\r\n")
    parts.append(b"\r\n")
    if not head:
        parts.append(response.body)
    return b"".join(parts)


def _path_and_query(target: bytes) -> tuple[str, str]:
    """The path and query of a request target: split by hand in the usual origin form
    (``/path?query``), parsed in full otherwise (absolute form, a fragment)."""
    if target.startswith(b"/") and b"#" not in target:
        path, _, query = target.partition(b"?")
    else:
        url = httptools.parse_url(target)
        path, query = url.path or b"/", url.query or b""
    return path.decode("latin-1"), query.decode("latin-1")


class _Turn:
    """The requests answered in one turn of the event loop. Their answers are written
    together once the turn has read and answered every request that was ready: clients
    then get their answers in bursts and send their next requests in bursts, which the
    next turn reads in one go (about 1.3x the answers per second of writing each at once
    under 32 busy connections). When the state engine can hold writes in one transaction,
    the turn's writes are committed first (one commit for the turn instead of one per
    write), or all its answers become 503 if they cannot be."""

    def __init__(self) -> None:
        self.backend: StateBackend | None = None
        self.waiting: list[tuple[_Connection, list[Any]]] = []
        self.open = False

    def join(self, app: MockApp, connection: _Connection, slot: list[Any]) -> None:
        """Have ``slot`` (an answer of ``connection``) written at the end of this turn (the
        first answer of a turn opens it, and the engine's held transaction with it)."""
        if not self.open:
            backend = app.engine.backend
            if backend is not None and backend.holds_commits:
                self.backend = backend
                backend.hold_commits()
            self.open = True
            asyncio.get_running_loop().call_soon(self.finish)
        self.waiting.append((connection, slot))

    def finish(self) -> None:
        backend, waiting = self.backend, self.waiting
        self.backend, self.waiting, self.open = None, [], False
        if backend is not None and not backend.release_commits():
            failure = problem_response(
                503, "State unavailable", f"the state {backend.url} could not keep the changes"
            )
            for _, slot in waiting:
                slot[0] = encode_response(failure, [], slot[1], head=False)
                slot[2] = True
        for connection in {id(c): c for c, _ in waiting}.values():
            connection._flush()


@dataclass(frozen=True, slots=True)
class _Repeat:
    """A request received whole in one read, whose answer the engine gives again: what it
    takes to answer the very same bytes without parsing them."""

    engine: MockEngine
    key: tuple[Any, ...]
    method: str
    path: str
    keep_alive: bool
    head: bool


class _Repeats:
    """Requests answered again, by their bytes as read (shared by a server's connections)."""

    limit = 1024
    largest = 8192
    """Bytes; larger reads are never kept."""

    def __init__(self) -> None:
        self.by_bytes: dict[bytes, _Repeat] = {}

    def keep(self, data: bytes, repeat: _Repeat) -> None:
        if len(self.by_bytes) >= self.limit:
            self.by_bytes.pop(next(iter(self.by_bytes)))
        self.by_bytes[data] = repeat


class _Connection(asyncio.Protocol):
    """One client connection: parse requests, answer them in order. A read that is the very
    same bytes as a request answered before from the engine's remembered answers is answered
    again without parsing (still logged and counted)."""

    def __init__(
        self, app: MockApp, turn: _Turn | None = None, repeats: _Repeats | None = None
    ) -> None:
        self.app = app
        self.turn = turn or _Turn()
        self.repeats = repeats or _Repeats()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""
        self.headers: dict[str, str] = {}
        self.body: list[bytes] = []
        self.slots: deque[list[Any]] = deque()
        self.closing = False
        self.between_messages = True
        self.read: bytes | None = None
        """The bytes of the current read while they may hold exactly one whole request."""
        self.learned: _Repeat | None = None
        self.messages_in_read = 0

    # -- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return  # the rest of a request that could not be read
        if self.between_messages and not self.slots and self._answered_again(data):
            return
        self.read = data if self.between_messages and len(data) <= _Repeats.largest else None
        self.learned = None
        self.messages_in_read = 0
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._reject(400, "protocol upgrades are not supported")
        except httptools.HttpParserError:
            self._reject(400, "malformed HTTP request")
        else:
            if self.learned is not None and self.read is not None and self.between_messages:
                self.repeats.keep(self.read, self.learned)
        self.read = self.learned = None

    def _answered_again(self, data: bytes) -> bool:
        repeat = self.repeats.by_bytes.get(data)
        if repeat is None or repeat.engine is not self.app.engine or self.transport is None:
            return False
        response = repeat.engine.answer_again(repeat.key, repeat.method, repeat.path)
        if response is None:
            return False
        keep_alive = repeat.keep_alive
        slot: list[Any] = [
            encode_response(response, [], keep_alive, repeat.head),
            keep_alive,
            False,
        ]
        self.slots.append(slot)
        self.turn.join(self.app, self, slot)
        return True

    # -- httptools callbacks ------------------------------------------------------

    def on_message_begin(self) -> None:
        self.messages_in_read += 1
        if self.messages_in_read > 1:
            self.read = None  # more than one request in this read
        self.between_messages = False
        self.url = b""
        self.headers = {}
        self.body = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def on_headers_complete(self) -> None:
        expect = self.headers.get("expect")
        if expect is not None and expect.lower() == "100-continue" and self.transport is not None:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        path, query = _path_and_query(self.url)
        method = self.parser.get_method().decode("ascii")
        request = MockRequest(
            method=method,
            path=path,
            query_string=query,
            headers=self.headers,
            body=b"".join(self.body) if self.body else b"",
        )
        keep_alive = self.parser.should_keep_alive()
        self.between_messages = True
        slot: list[Any] = [None, keep_alive, False]
        """[payload (None until due), keep-alive, replaced by an error after a failed commit]"""
        self.slots.append(slot)
        self.turn.join(self.app, self, slot)  # before answering: it opens the held commits
        engine = self.app.engine
        try:
            response, extra = self.app.answer(request)
        except Exception as exc:
            response, extra = (
                problem_response(500, "Internal Server Error", f"the mock failed: {exc!r}"),
                [],
            )
        head = method == "HEAD"
        if (
            self.read is not None
            and response.given_again
            and engine.answered_from_memory  # seen twice: worth learning
            and not extra
            and keep_alive
            and "expect" not in request.headers
        ):
            key = engine.answer_key(request)
            if key is not None:
                self.learned = _Repeat(engine, key, method, request.path, keep_alive, head)
        payload = encode_response(response, extra, keep_alive, head)
        if response.delay > 0:
            asyncio.get_running_loop().call_later(response.delay, self._fill, slot, payload)
        elif not slot[2]:
            slot[0] = payload

    # -- writing ------------------------------------------------------------------

    def _fill(self, slot: list[Any], payload: bytes) -> None:
        if not slot[2]:
            slot[0] = payload
        self._flush()

    def _flush(self) -> None:
        while self.slots and self.slots[0][0] is not None:
            payload, keep_alive, _ = self.slots.popleft()
            if self.transport is None:
                self.slots.clear()
                return
            self.transport.write(payload)
            if not keep_alive:
                self.transport.close()
                self.transport = None
                self.slots.clear()
                return

    def _reject(self, status: int, detail: str) -> None:
        """Answer what could not be read with ``status``, after the answers still due on
        this connection, then close it."""
        if self.transport is None or self.closing:
            return
        self.closing = True
        response = problem_response(status, HTTPStatus(status).phrase, detail)
        self.slots.append(
            [encode_response(response, [], keep_alive=False, head=False), False, False]
        )
        self._flush()


async def serve(
    app: MockApp,
    host: str,
    port: int,
    reuse_port: bool = False,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Serve ``app`` until ``stop`` is set (by default: until SIGINT or SIGTERM)."""
    loop = asyncio.get_running_loop()
    turn = _Turn()
    repeats = _Repeats()
    server = await loop.create_server(
        lambda: _Connection(app, turn, repeats),
        host,
        port,
        reuse_address=True,
        reuse_port=reuse_port,
        backlog=2048,
    )
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
    app.start_watching()
    if started is not None:
        started.set()
    try:
        await stop.wait()
    finally:
        server.close()
        await app.stop_watching()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


def _run_loop(coroutine: Any) -> None:
    keep_out_of_collections()  # the documents and the compiled schemas are built by now
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
        return
    uvloop.run(coroutine)


def _worker(config: str, host: str, port: int) -> None:
    os.environ["CONTRACTKIT_MOCK_CONFIG"] = config
    _run_loop(serve(app_from_environment(), host, port, reuse_port=True))


def run_server(
    app: MockApp, host: str, port: int, workers: int = 1, config: str | None = None
) -> None:
    """Serve in this process, or in ``workers`` processes sharing the port."""
    if workers <= 1 or config is None:
        _run_loop(serve(app, host, port))
        return
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(config, host, port), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    stopping: list[int] = []

    def forward(signum: int, _frame: Any) -> None:
        stopping.append(signum)
        for process in processes:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    for process in processes:
        process.join()


__all__ = ["encode_response", "run_server", "serve"]
