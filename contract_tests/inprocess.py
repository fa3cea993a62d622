"""In-process ASGI targets behave like servers: an exception escaping the app is a 500."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("contractkit.contract.inprocess")

Scope = dict[str, Any]


class ServerErrorsAsResponses:
    """Wraps an ASGI app so that an unhandled exception answers 500, as a real server would.

    Without it, an in-process app's crash would raise inside the runner instead of being
    reported as the server error it is.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.warning("the application raised %s while answering %s", exc, scope.get("path"))
            if started:
                return  # the app already answered (Starlette sends its 500, then re-raises)
            body = b"Internal Server Error (the application raised an exception)"
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
