"""The proxy as an ASGI app: route, validate the request, forward it, validate the answer.

Violations never change what passes through: the upstream's status, headers and bytes reach
the client as they were, with ``X-Contractkit-Source`` saying where the answer came from and,
when something broke the document, ``X-Contractkit-Proxy-Violations`` (the count) and
``X-Contractkit-Proxy-Summary``. With the mock as fallback, a documented operation the
upstream does not implement yet is answered by the mock: the upstream is unreachable, answers
501 or 405, or answers 404 where the operation documents no 404 its answer conforms to (a
route the upstream lacks, not a documented "no such resource").
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from contractkit.mock.document.model import Operation
from contractkit.mock.engine import ADMIN_PREFIX, MockEngine
from contractkit.mock.generation.errors import problem_response
from contractkit.mock.proxy.forwarding import UpstreamAnswer, forward, new_client
from contractkit.mock.proxy.violations import ProxyViolation, ViolationLog
from contractkit.mock.state.store import NAMESPACE_HEADER, namespace_of
from contractkit.mock.types import MockRequest, MockResponse, Violation
from contractkit.mock.validation.responses import validate_response
from contractkit.mock.validation.validator import validate_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SOURCE_HEADER = "x-contractkit-source"
COUNT_HEADER = "x-contractkit-proxy-violations"
SUMMARY_HEADER = "x-contractkit-proxy-summary"
_SUMMARY_LIMIT = 1000
_NOT_IMPLEMENTED = (405, 501)


def summary_header(found: list[ProxyViolation]) -> str:
    """The violations in one ASCII line of at most 1000 characters."""
    text = "; ".join(violation.summary() for violation in found)
    text = text.encode("ascii", "replace").decode("ascii")
    return text if len(text) <= _SUMMARY_LIMIT else text[: _SUMMARY_LIMIT - 3] + "..."


class ProxyApp:
    """Forwards to ``upstream`` and checks both directions against the engine's documents."""

    def __init__(
        self,
        engine: MockEngine,
        upstream: str,
        fallback: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.engine = engine
        self.upstream = upstream
        self.fallback = fallback
        self.timeout = timeout
        self.log = ViolationLog()
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    async def aclose(self) -> None:
        """Close the upstream connections and the mock's state."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self.engine.close()

    # -- one exchange ---------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        raw_headers = [
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]
        ]
        joined: dict[str, str] = {}
        for name, value in raw_headers:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else scope["path"]
        request = MockRequest(
            method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=joined,
            body=body,
        )
        if path.startswith(ADMIN_PREFIX):
            status, headers, payload = self._admin(request)
        else:
            status, headers, payload = await self.exchange(request, raw_headers)
        encoded = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers]
        encoded.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": encoded})
        await send({"type": "http.response.body", "body": payload})

    async def exchange(
        self, request: MockRequest, raw_headers: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one proxied request: (status, headers, body)."""
        match = self.engine.router.match(request.method, request.path)
        operation = match.target
        label = operation.label if operation else f"{request.method.upper()} {request.path}"
        found: list[Violation] = []
        if operation is None:
            found.append(
                Violation("path", "", f"{request.method.upper()} {request.path} is not documented")
            )
        else:
            checked = validate_request(
                operation, request, match.params, self.engine.credentials
            ).violations
            found.extend(checked)
        violations = [ProxyViolation.of(label, "request", v) for v in found]
        answer: UpstreamAnswer | None = None
        unreachable = ""
        try:
            answer = await forward(
                self._upstream_client(),
                self.upstream,
                request.method,
                request.path,
                request.query_string,
                raw_headers,
                request.body,
            )
        except httpx.TransportError as exc:
            unreachable = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if operation is not None and self.fallback and self._missing_upstream(answer, operation):
            mocked = self.engine.handle(request)
            self.log.record(label, "mock", violations)
            return self._reply(mocked, "mock", violations)
        if answer is None:
            failure = problem_response(
                502, "Bad Gateway", f"the upstream {self.upstream} is unreachable ({unreachable})"
            )
            self.log.record(label, "proxy", violations)
            return self._reply(failure, "proxy", violations)
        if operation is not None:
            body = None if request.method.upper() == "HEAD" else answer.decoded_body()
            broken = validate_response(operation, answer.status, answer.header_map(), body)
            violations.extend(ProxyViolation.of(label, "response", v) for v in broken)
        self.log.record(label, "upstream", violations)
        headers = [*answer.headers, *self._marks("upstream", violations)]
        return answer.status, headers, answer.body

    def _missing_upstream(self, answer: UpstreamAnswer | None, operation: Operation) -> bool:
        """Whether the upstream lacks this documented operation (so the mock answers)."""
        if answer is None or answer.status in _NOT_IMPLEMENTED:
            return True
        if answer.status != 404:
            return False
        documented = operation.responses.get("404") or operation.responses.get("4XX")
        if documented is None:
            return True
        return bool(validate_response(operation, 404, answer.header_map(), answer.decoded_body()))

    def _upstream_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = new_client(self.timeout)
        return self._client

    @staticmethod
    def _marks(source: str, violations: list[ProxyViolation]) -> list[tuple[str, str]]:
        marks = [(SOURCE_HEADER, source)]
        if violations:
            marks.append((COUNT_HEADER, str(len(violations))))
            marks.append((SUMMARY_HEADER, summary_header(violations)))
        return marks

    def _reply(
        self, response: MockResponse, source: str, violations: list[ProxyViolation]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = [*response.headers.items(), *self._marks(source, violations)]
        return response.status, headers, response.body

    # -- administration -------------------------------------------------------------

    def _admin(self, request: MockRequest) -> tuple[int, list[tuple[str, str]], bytes]:
        route = (request.method.upper(), request.path.rstrip("/"))
        if route == ("GET", f"{ADMIN_PREFIX}/violations"):
            body = json.dumps(self.log.as_json()).encode()
            return 200, [("content-type", "application/json")], body
        if route == ("POST", f"{ADMIN_PREFIX}/reset"):
            self.log.reset()
            named = NAMESPACE_HEADER in request.headers
            self.engine.reset(namespace_of(request.headers) if named else None)
            return 204, [], b""
        failure = problem_response(
            404, "Not Found", f"no proxy endpoint {request.method} {request.path}"
        )
        return failure.status, list(failure.headers.items()), failure.body
