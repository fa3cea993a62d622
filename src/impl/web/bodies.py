"""Request bodies bounded before they are read: in size, and in how long they take to arrive.

:class:`RequestBodyGuard` sits before routing. A body announced (``Content-Length``) larger
than its route's limit is answered 413 before a byte of it is read; a body without a length
(chunked) is counted as it arrives and answered 413 as soon as it passes the limit. Each read
of the body must bring something within ``read_timeout_seconds``, else 408: a client that stops
sending cannot hold a request, nor the server's shutdown, for ever. Both answers come in the
API's own envelope (they are ``ApiError``s, rendered by ``web.failures``).

Upload routes keep their own, larger bound (:class:`UploadRoute`). A *raw* upload route takes
the body as bytes whatever its ``Content-Type``: the type is replaced by
``application/octet-stream`` before routing, so no layer parses a form or multipart body
the handler then waits for in vain.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

from contractkit.impl.config import Settings
from contractkit.impl.errors import ApiError

DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_BODY_TIMEOUT_SECONDS = 30
RAW_CONTENT_TYPE = b"application/octet-stream"
DRAIN_BYTES = 1024 * 1024
"""How much of a refused body's rest is read and dropped before answering 413: a client still
sending would otherwise have its connection reset, and the answer lost, when it is closed."""


@dataclass(frozen=True)
class UploadRoute:
    """Requests of ``method`` whose path starts with ``path_prefix`` may carry ``max_bytes``."""

    method: str
    path_prefix: str
    max_bytes: int
    raw: bool = False
    """The body is the file's bytes whatever its ``Content-Type`` (never parsed as a form)."""

    def matches(self, method: str, path: str) -> bool:
        return method.upper() == self.method.upper() and path.startswith(self.path_prefix)


@dataclass(frozen=True)
class BodyLimits:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    read_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS
    uploads: tuple[UploadRoute, ...] = ()

    def route_for(self, method: str, path: str) -> UploadRoute | None:
        return next((route for route in self.uploads if route.matches(method, path)), None)


def body_limits(settings: Settings, uploads: Sequence[UploadRoute] = ()) -> BodyLimits:
    """The limits set by ``CONTRACTKIT_MAX_BODY_BYTES`` and ``CONTRACTKIT_BODY_TIMEOUT_SECONDS``."""
    return BodyLimits(
        max_body_bytes=settings.integer("CONTRACTKIT_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1),
        read_timeout_seconds=settings.integer(
            "CONTRACTKIT_BODY_TIMEOUT_SECONDS", DEFAULT_BODY_TIMEOUT_SECONDS, 1
        ),
        uploads=tuple(uploads),
    )


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"The request body is larger than the {limit} bytes allowed",
        headers={"Connection": "close"},
    )


def too_slow(seconds: float) -> ApiError:
    return ApiError(
        408,
        "request_timeout",
        f"The request body did not arrive in time (nothing for {seconds:g} seconds)",
        headers={"Connection": "close"},
    )


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _as_raw(scope: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    headers = [(n, v) for n, v in scope["headers"] if n.lower() != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", RAW_CONTENT_TYPE)]}


class RequestBodyGuard:
    """ASGI middleware enforcing :class:`BodyLimits` on every HTTP request body."""

    def __init__(self, app: Any, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.limits.route_for(scope["method"], scope["path"])
        limit = route.max_bytes if route else self.limits.max_body_bytes
        declared = _declared_length(scope["headers"])
        if declared is not None and declared > limit:
            raise too_large(limit)
        if route is not None and route.raw:
            scope = _as_raw(scope)
        await self.app(scope, self._bounded(receive, limit), send)

    def _bounded(self, receive: Any, limit: int) -> Any:
        timeout = self.limits.read_timeout_seconds
        received = 0
        complete = False

        async def receive_() -> MutableMapping[str, Any]:
            nonlocal received, complete
            if complete:  # after the body only a disconnect can come: wait for it freely
                return await receive()
            try:
                with anyio.fail_after(timeout):
                    message = await receive()
            except TimeoutError:
                raise too_slow(timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await self._drain(receive, message)
                    raise too_large(limit)
                complete = not message.get("more_body", False)
            return message

        return receive_

    async def _drain(self, receive: Any, message: MutableMapping[str, Any]) -> None:
        """Read and drop what follows of a refused body, up to :data:`DRAIN_BYTES` and for
        at most the read timeout, so that the client reads the 413 rather than a reset."""
        dropped = 0
        with anyio.move_on_after(self.limits.read_timeout_seconds):
            while message.get("more_body", False) and dropped < DRAIN_BYTES:
                message = await receive()
                if message["type"] != "http.request":
                    return
                dropped += len(message.get("body", b""))
