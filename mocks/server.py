"""A thin ASGI adapter around :class:`MockEngine`: bytes in, bytes out, CORS, latency, reload."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from contractkit.mock.engine import MockEngine, MockOptions
from contractkit.mock.state.backend import MEMORY
from contractkit.mock.types import MockRequest, MockResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CONFIG_ENV = "CONTRACTKIT_MOCK_CONFIG"
_CORS_EXPOSE = "x-contractkit-violations, x-contractkit-warning, location, allow, www-authenticate"


class MockApp:
    """The ASGI application; ``engine`` may be swapped at any time (reload)."""

    def __init__(
        self,
        engine: MockEngine,
        watch: list[Path] | None = None,
        spec_paths: list[str] | None = None,
    ) -> None:
        self.engine = engine
        self.watch = watch or []
        self.spec_paths = spec_paths or []
        self.reloads = 0
        self._watcher: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else scope["path"]
        request = MockRequest(
            method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
        )
        response, extra = self.answer(request)
        if response.delay > 0:
            await asyncio.sleep(response.delay)
        raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1", "replace"))
            for k, v in response.headers.items()
        ]
        raw_headers.append((b"content-length", str(len(response.body)).encode()))
        raw_headers.extend(extra)
        await send(
            {"type": "http.response.start", "status": response.status, "headers": raw_headers}
        )
        await send({"type": "http.response.body", "body": response.body})

    def answer(self, request: MockRequest) -> tuple[MockResponse, list[tuple[bytes, bytes]]]:
        """The engine's answer plus CORS headers (used by the ASGI and the built-in server)."""
        engine = self.engine
        origin = request.headers.get("origin") if engine.options.cors else None
        if origin is None:
            return engine.handle(request), []
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = MockResponse(204, _preflight_headers(request.headers))
        else:
            response = engine.handle(request)
        extra = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-expose-headers", _CORS_EXPOSE.encode()),
            (b"vary", b"Origin"),
        ]
        return response, extra

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start_watching()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop_watching()
                self.engine.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def watched_files(self) -> set[Path]:
        """The spec files the current engine read (roots and ``$ref``ed files)."""
        return {p.resolve() for p in self.engine.workspace.files}

    def reload(self) -> bool:
        """Rebuild the engine from the spec paths; keeps the old one if the new documents fail."""
        from contractkit.mock.state.backend import StateBackendError
        from contractkit.openapi.errors import SpecError

        try:
            engine = MockEngine.from_paths(self.spec_paths, self.engine.options)
        except (SpecError, OSError, ValueError, StateBackendError):
            return False
        previous, self.engine = self.engine, engine
        previous.close()
        self.reloads += 1
        return True

    def start_watching(self) -> None:
        """Start reloading on changes (inside a running event loop)."""
        if self.watch and self._watcher is None:
            self._stop = asyncio.Event()
            self._watcher = asyncio.create_task(self._watch_loop())

    async def stop_watching(self) -> None:
        """Stop the reload task, if any."""
        if self._stop is not None:
            self._stop.set()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watcher
            self._watcher = None

    async def _watch_loop(self) -> None:
        from watchfiles import awatch

        assert self._stop is not None
        folders = sorted({str(p if p.is_dir() else p.parent) for p in self.watch})
        async for changes in awatch(*folders, stop_event=self._stop, debounce=200, step=50):
            known = self.watched_files()
            folder_roots = [p.resolve() for p in self.watch if p.is_dir()]
            touched = [Path(path).resolve() for _, path in changes]
            if any(p in known or any(root in p.parents for root in folder_roots) for p in touched):
                self.reload()


def _preflight_headers(headers: dict[str, str]) -> dict[str, str]:
    return {
        "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "access-control-allow-headers": headers.get("access-control-request-headers", "*") or "*",
        "access-control-max-age": "600",
    }


def create_app(
    spec_paths: Sequence[str | Path], options: MockOptions | None = None, watch: bool = False
) -> MockApp:
    """An ASGI mock for the documents found in ``spec_paths``."""
    paths = [str(p) for p in spec_paths]
    engine = MockEngine.from_paths(paths, options)
    watched = [Path(p).resolve() for p in paths] if watch else []
    if watch:
        watched.extend(p for p in engine.workspace.files if p not in watched)
    return MockApp(engine, watch=watched, spec_paths=paths)


def options_to_json(spec_paths: list[str], options: MockOptions, watch: bool) -> str:
    """Configuration for worker processes (see :func:`app_from_environment`)."""
    return json.dumps(
        {
            "specs": spec_paths,
            "watch": watch,
            "options": {
                "seed": options.seed,
                "dynamic": options.dynamic,
                "stateful": options.stateful,
                "delay_ms": list(options.delay_ms),
                "error_rate": options.error_rate,
                "cors": options.cors,
                "credentials": [list(pair) for pair in options.credentials],
                "forbidden_credentials": [list(pair) for pair in options.forbidden_credentials],
                "state": options.state,
                "strict_auth": options.strict_auth,
                "ignore_examples": options.ignore_examples,
                "errors": options.errors,
                "refuse_undocumented": options.refuse_undocumented,
            },
        }
    )


def app_from_environment() -> MockApp:
    """The app described by ``$CONTRACTKIT_MOCK_CONFIG`` (used by multi-worker servers)."""
    config = json.loads(os.environ[CONFIG_ENV])
    raw = config["options"]
    options = MockOptions(
        seed=int(raw["seed"]),
        dynamic=bool(raw["dynamic"]),
        stateful=bool(raw["stateful"]),
        delay_ms=(float(raw["delay_ms"][0]), float(raw["delay_ms"][1])),
        error_rate=float(raw["error_rate"]),
        cors=bool(raw["cors"]),
        credentials=tuple((str(s), str(v)) for s, v in raw.get("credentials", [])),
        forbidden_credentials=tuple(
            (str(s), str(v)) for s, v in raw.get("forbidden_credentials", [])
        ),
        state=str(raw.get("state", MEMORY)),
        strict_auth=bool(raw.get("strict_auth", False)),
        ignore_examples=bool(raw.get("ignore_examples", False)),
        errors=bool(raw.get("errors", False)),
        refuse_undocumented=bool(raw.get("refuse_undocumented", False)),
    )
    return create_app(config["specs"], options, watch=bool(config["watch"]))
