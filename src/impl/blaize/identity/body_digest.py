"""ASGI middleware that lets the keypair check see the SHA-256 of the raw request body.

Connexion's security handlers see the request without its body. For requests that claim the
keypair scheme, this middleware (placed before the security middleware) reads the body, stores
its digest in ``scope["extensions"]``, and replays the same bytes to the rest of the app.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contractkit.impl.blaize.identity.signing import is_signature_header

DIGEST_KEY = "blaize_body_sha256"


def body_digest(scope: Scope) -> str | None:
    """The digest recorded for this request, if any."""
    return scope.get("extensions", {}).get(DIGEST_KEY)


class BodyDigestMiddleware:
    def __init__(self, app: ASGIApp, **_options: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _claims_signature(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        scope.setdefault("extensions", {})[DIGEST_KEY] = hashlib.sha256(body).hexdigest()
        replayed: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([replayed], receive), send)


def _claims_signature(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"authorization" and is_signature_header(value.decode("latin-1")):
            return True
    return False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
