"""A small Google token-info stand-in served over real HTTP on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class FakeIdentityProvider:
    """Answers ``GET /tokeninfo?access_token=...`` from a dict of known tokens."""

    def __init__(self) -> None:
        self.tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                token = query.get("access_token", [""])[0]
                provider.requests.append(token)
                info = provider.tokens.get(token)
                status, body = (
                    (200, info) if info is not None else (400, {"error": "invalid_token"})
                )
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tokeninfo"

    def grant(self, token: str, email: str, *, verified: bool = True, **extra: Any) -> None:
        self.tokens[token] = {
            "email": email,
            "email_verified": "true" if verified else "false",
            "expires_in": "3599",
            "aud": "peerly-client",
            **extra,
        }

    def start(self) -> FakeIdentityProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
