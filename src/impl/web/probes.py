"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database reachable,
schema at the newest migration), for load balancers and orchestrators."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
PROBE_PATHS = {HEALTH_PATH: HEALTH_PATH, READY_PATH: READY_PATH}

Readiness = Callable[[], str | None]
"""Why the app cannot serve now, or None when it can (may block: run off the event loop)."""


class Probes:
    """ASGI middleware answering the two probe paths before any API sees them."""

    def __init__(self, app: ASGIApp, readiness: Readiness) -> None:
        self.app = app
        self.readiness = readiness

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path == HEALTH_PATH:
            await _answer(send, 200, {"status": "ok"})
        elif path == READY_PATH:
            problem = await run_in_threadpool(self.readiness)
            if problem is None:
                await _answer(send, 200, {"status": "ready"})
            else:
                await _answer(send, 503, {"status": "unavailable", "reason": problem})
        else:
            await self.app(scope, receive, send)


async def _answer(send: Send, status: int, body: dict[str, str]) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
