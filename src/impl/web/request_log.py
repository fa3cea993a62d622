"""One structured log line per request, and the request id echoed back.

Each line is a JSON object on the ``contractkit.requests`` logger: ``method``, ``path`` (the
operation's path template, e.g. ``/peerly/core_values/{id}``, never the raw path or its query
string, which may carry signatures and tokens), ``status``, ``duration_ms`` and
``request_id``. The id is the client's ``X-Request-ID`` when it sent a usable one, else a new
one; either way it is answered in ``X-Request-ID``.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("contractkit.requests")

REQUEST_ID_HEADER = b"x-request-id"
USABLE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")
"""Client ids logged and echoed as they are; anything else is replaced by a new id."""
UNMATCHED = "<unmatched>"
"""The path logged for a request no operation matched (its raw path is never logged)."""

Templates = Callable[[str, str], str | None]
"""(API base path, operationId) -> the operation's full path template."""


_PROCESS = uuid.uuid4().hex[:12]
_numbers = itertools.count(1)


def request_id_of(scope: Scope) -> bytes:
    """The client's usable ``X-Request-ID``, else a new id unique to this process and request."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and USABLE_REQUEST_ID.fullmatch(value):
            return bytes(value)
    return f"{_PROCESS}-{next(_numbers):x}".encode()


def template_of(scope: Scope, templates: Templates, fixed: Mapping[str, str]) -> str:
    """The path template the request was routed to; fixed paths as they are."""
    if scope.get("path") in fixed:
        return fixed[scope["path"]]
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    operation_id = routing.get("operation_id")
    if operation_id:
        return templates(str(routing.get("api_base_path", "")), operation_id) or UNMATCHED
    return UNMATCHED


class RequestLog:
    """ASGI middleware: logs each HTTP request once it is answered (or has failed)."""

    def __init__(
        self, app: ASGIApp, templates: Templates, fixed_paths: Mapping[str, str] | None = None
    ) -> None:
        self.app = app
        self.templates = templates
        self.fixed_paths = dict(fixed_paths or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        scope.setdefault("extensions", {})  # shared by the copies routing makes of the scope
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() != REQUEST_ID_HEADER
                ]
                message = {**message, "headers": [*headers, (REQUEST_ID_HEADER, request_id)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    json.dumps(
                        {
                            "method": scope["method"],
                            "path": template_of(scope, self.templates, self.fixed_paths),
                            "status": status,
                            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                            "request_id": request_id.decode(),
                        },
                        separators=(",", ":"),
                    )
                )


def path_templates(operations: Iterable[tuple[str, str, str]]) -> Templates:
    """A lookup of full path templates from ``(API base path, operation name, path)``."""
    table = {(base.rstrip("/"), name): base.rstrip("/") + path for base, name, path in operations}

    def lookup(base: str, operation_id: str) -> str | None:
        return table.get((base.rstrip("/"), operation_id))

    return lookup
