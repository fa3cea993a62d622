"""A real upstream for the proxy (Starlette on loopback) and a loopback server for any app.

The upstream implements ``GET /pets/{petId}`` correctly, answers ``GET /pets`` with a body
that breaks the schema, answers ``POST /pets`` with 501 and has no ``/orders`` route at all.
It records every request it receives, so tests can see what the proxy forwarded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from contractkit.pytest_plugin import free_port

SHOP = Path(__file__).parent / "shop.yaml"


@pytest.fixture
def shop_spec() -> Path:
    return SHOP


@dataclass
class Upstream:
    url: str
    seen: list[dict[str, Any]] = field(default_factory=list)


def upstream_app(seen: list[dict[str, Any]]) -> Starlette:
    async def remember(request: Request) -> None:
        seen.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": request.headers.items(),
                "body": await request.body(),
            }
        )

    async def get_pet(request: Request) -> Response:
        await remember(request)
        if request.path_params["pet_id"] != "1":
            return JSONResponse({"message": "no such pet"}, status_code=404)
        response = JSONResponse({"id": 1, "name": "Rex"}, headers={"X-Revision": "3"})
        response.set_cookie("session", "abc")
        response.set_cookie("theme", "dark")
        return response

    async def list_pets(request: Request) -> Response:
        await remember(request)
        return JSONResponse([{"id": 1, "name": "Rex"}, {"id": "two", "name": "Tom"}, {"id": 3}])

    async def create_pet(request: Request) -> Response:
        await remember(request)
        return PlainTextResponse("not implemented yet", status_code=501)

    return Starlette(
        routes=[
            Route("/pets/{pet_id}", get_pet, methods=["GET"]),
            Route("/pets", list_pets, methods=["GET"]),
            Route("/pets", create_pet, methods=["POST"]),
        ]
    )


class Served:
    """An ASGI app served by uvicorn in a thread on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            server_header=False,
            date_header=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """Factory: ``serve(asgi_app)`` -> its base URL on loopback."""
    running: list[Served] = []

    def start(app: Any) -> str:
        served = Served(app)
        running.append(served)
        return served.url

    yield start
    for served in running:
        served.stop()


@pytest.fixture
def upstream(serve: Callable[[Any], str]) -> Upstream:
    seen: list[dict[str, Any]] = []
    return Upstream(serve(upstream_app(seen)), seen)
