"""A webhook receiver served over real HTTP on loopback, recording every call it gets."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers each call with the next of ``statuses`` (200 once they run out)."""

    def __init__(self, statuses: Iterable[int] = ()) -> None:
        self.calls: list[Call] = []
        self._statuses = list(statuses)
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status = receiver._record(
                    Call(self.command, self.path, dict(self.headers.items()), body)
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url + "redirected")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _answer

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _record(self, call: Call) -> int:
        with self._received:
            self.calls.append(call)
            self._received.notify_all()
            return self._statuses.pop(0) if self._statuses else 200

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def wait_for(self, count: int, timeout: float) -> list[Call]:
        """The calls once there are ``count`` of them (or when ``timeout`` seconds pass)."""
        with self._received:
            self._received.wait_for(lambda: len(self.calls) >= count, timeout)
            return list(self.calls)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
