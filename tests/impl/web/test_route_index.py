"""Indexed routing picks exactly the route Starlette's own routing picks, trying fewer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, Router

from contractkit.impl.web.route_index import IndexedDispatch, RouteIndex, index_routes


def _endpoint(label: str) -> Any:
    async def endpoint(request: Any) -> PlainTextResponse:
        return PlainTextResponse(f"{label} {dict(request.path_params)}")

    return endpoint


def _router() -> Router:
    api = Router(
        routes=[
            Route("/v3/products/{id}", _endpoint("product"), methods=["GET", "PUT"]),
            Route("/v3/products", _endpoint("products"), methods=["GET"]),
            Route("/v3/products/special", _endpoint("special"), methods=["POST"]),
            Route("/v3/{kind}/count", _endpoint("count"), methods=["GET"]),
            Route("/v3/files/{name}.json", _endpoint("file"), methods=["GET"]),
            Route("/{anything:path}", _endpoint("fallback"), methods=["DELETE"]),
        ]
    )
    return Router(routes=[Mount("/shop", app=api), Route("/health", _endpoint("health"))])


def _call(router: Router, method: str, path: str) -> tuple[int, str]:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("test", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(router(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body.decode()


REQUESTS = [
    ("GET", "/shop/v3/products/p7"),
    ("PUT", "/shop/v3/products/p7"),
    ("GET", "/shop/v3/products"),
    ("GET", "/shop/v3/products/special"),  # the template wins: it comes first
    ("POST", "/shop/v3/products/special"),
    ("GET", "/shop/v3/bundles/count"),
    ("GET", "/shop/v3/files/a.json"),
    ("DELETE", "/shop/v3/products/p7"),  # only the catch-all allows DELETE
    ("POST", "/shop/v3/products"),  # 405 from a partial match
    ("GET", "/shop/v3/products/"),  # redirect
    ("GET", "/shop/nothing/here"),
    ("GET", "/health"),
    ("GET", "/elsewhere"),
]


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_the_indexed_router_answers_as_starlette_does(method: str, path: str) -> None:
    plain, indexed = _router(), _router()
    index_routes(indexed)
    assert isinstance(indexed.middleware_stack, IndexedDispatch)
    assert _call(indexed, method, path) == _call(plain, method, path)


def test_only_routes_that_can_match_are_tried() -> None:
    routes = [
        Route("/v3/products/{id}", _endpoint("a")),
        Route("/v3/bundles/{id}", _endpoint("b")),
        Route("/v3/{kind}/count", _endpoint("c")),
        Route("/health", _endpoint("d")),
    ]
    index = RouteIndex(routes)
    assert index.candidates("/v3/products/p7") == [routes[0], routes[2]]
    assert index.candidates("/health") == [routes[3]]
    assert index.candidates("/other") == []


def test_the_served_app_routes_through_the_index(tmp_path: Any) -> None:
    from connexion.middleware.routing import RoutingMiddleware
    from starlette.testclient import TestClient

    from contractkit.impl.app import create_app
    from contractkit.impl.config import load_settings

    settings = load_settings({"CONTRACTKIT_DATA_DIR": str(tmp_path / "data")})
    app = create_app(["peerly"], settings=settings)
    with TestClient(app) as client:  # the lifespan builds Connexion's middleware stack
        assert client.get("/peerly/core_values").status_code == 401
        routing = [m for m in app.middleware.middleware_stack if isinstance(m, RoutingMiddleware)]
        assert routing and isinstance(routing[0].router.middleware_stack, IndexedDispatch)
        mounted = [r.app for r in routing[0].router.routes if isinstance(r, Mount)]
        assert all(isinstance(r.middleware_stack, IndexedDispatch) for r in mounted)
