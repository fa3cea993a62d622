"""Pytest fixtures that run a mock of an OpenAPI document inside the test process.

Installing contractkit registers this module with pytest (entry point ``pytest11``). It
imports only pytest and the standard library, so it costs nothing and breaks nothing in a
project that never asks for its fixtures; the mock itself is imported the first time a
fixture is used. The fixtures are synchronous factories, so no async plugin is needed::

    async def test_pets(mock_client):          # any async test runner (pytest-asyncio, anyio)
        client = mock_client("openapi.yaml", stateful=True)
        assert (await client.get("/pets")).status_code == 200

    def test_pets_over_http(mock_server):
        base_url = mock_server("openapi.yaml")   # a real server on 127.0.0.1
        assert httpx.get(f"{base_url}/pets").status_code == 200
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from contractkit.mock.server import MockApp

SpecPaths = str | Path | list[str | Path]


def _paths(specs: SpecPaths) -> list[str | Path]:
    return list(specs) if isinstance(specs, list) else [specs]


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(scheme), str(credential)) for scheme, credential in items)


def build_mock_app(specs: SpecPaths, **options: Any) -> MockApp:
    """A mock ASGI app; ``options`` are :class:`MockOptions` fields (``seed``, ``stateful``...).

    ``credentials`` and ``forbidden_credentials`` may be given as ``{scheme: value}``.
    """
    for name in ("credentials", "forbidden_credentials"):
        if name in options:
            options[name] = _pairs(options[name])
    from contractkit.mock.engine import MockOptions
    from contractkit.mock.server import create_app

    return create_app(_paths(specs), MockOptions(**options))


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServedMock:
    """A mock served by uvicorn in a background thread on 127.0.0.1."""

    def __init__(self, app: MockApp) -> None:
        import uvicorn

        self.app = app
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the mock server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def mock_app() -> Callable[..., MockApp]:
    """Factory: ``mock_app(spec_or_folder, **options)`` -> an ASGI app."""
    return build_mock_app


def _close_all(clients: list[httpx.AsyncClient]) -> None:
    """Close async clients from synchronous teardown, on a loop of their own."""

    async def close() -> None:
        for client in clients:
            await client.aclose()

    # A thread of its own, so that teardown works whether or not a loop runs in this one.
    closer = threading.Thread(target=asyncio.run, args=(close(),))
    closer.start()
    closer.join()


@pytest.fixture
def mock_client() -> Iterator[Callable[..., httpx.AsyncClient]]:
    """Factory: ``mock_client(spec, **options)`` -> an ``httpx.AsyncClient`` bound to the mock."""
    import httpx

    clients: list[httpx.AsyncClient] = []

    def make(specs: SpecPaths, **options: Any) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=build_mock_app(specs, **options))
        client = httpx.AsyncClient(transport=transport, base_url="http://mock")
        clients.append(client)
        return client

    yield make
    if clients:
        _close_all(clients)


@pytest.fixture
def mock_server() -> Iterator[Callable[..., str]]:
    """Factory: ``mock_server(spec, **options)`` -> the base URL of a real loopback server."""
    servers: list[ServedMock] = []

    def start(specs: SpecPaths, **options: Any) -> str:
        served = ServedMock(build_mock_app(specs, **options))
        served.start()
        servers.append(served)
        return served.base_url

    yield start
    for served in servers:
        served.stop()
