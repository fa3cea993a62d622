"""Connexion's routing without trying every route of every API on each request.

Connexion routes a request with Starlette routers: one ``Mount`` per API, holding one
``Route`` per operation, each tried in turn (a regular expression per route; Blaize's product
save is about the 85th). Here a router first narrows its routes to those whose leading literal
segments (``/v3/products`` of ``/v3/products/{id}``) the request path starts with, and tries
only those, in their original order: the first full match is the same route Starlette would
pick, since no other route can match the path. When none of them matches fully (405s,
redirects, 404s), the router's own code runs as before, over every route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connexion.middleware.routing import RoutingMiddleware
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def _leading_literals(route: BaseRoute) -> list[str] | None:
    """The path segments every path ``route`` matches starts with (``None``: not known)."""
    if not isinstance(route, (Route, Mount)):
        return None
    literals: list[str] = []
    for segment in route.path.split("/")[1:]:
        if "{" in segment or not segment:
            break
        literals.append(segment)
    return literals


@dataclass
class _Node:
    positions: list[int] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


class RouteIndex:
    """A router's routes by their leading literal segments (a tree of segments)."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = list(routes)
        self._root = _Node()
        for position, route in enumerate(self.routes):
            node = self._root
            for segment in _leading_literals(route) or ():
                node = node.children.setdefault(segment, _Node())
            node.positions.append(position)

    def candidates(self, route_path: str) -> list[BaseRoute]:
        """The routes that may match ``route_path``, in the router's order."""
        node = self._root
        positions = list(node.positions)
        for segment in route_path.split("/")[1:]:
            found = node.children.get(segment)
            if found is None:
                break
            node = found
            positions.extend(node.positions)
        positions.sort()
        return [self.routes[position] for position in positions]


class IndexedDispatch:
    """A router's entry point that tries the candidate routes first (see the module)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.general = router.app
        self.index = RouteIndex(router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if len(self.router.routes) != len(self.index.routes):
                self.index = RouteIndex(self.router.routes)  # routes added since
            for route in self.index.candidates(get_route_path(scope)):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self.router)
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await self.general(scope, receive, send)


def index_routes(router: Router) -> None:
    """Give ``router``, and the routers mounted in it, an :class:`IndexedDispatch` (routers
    with middleware of their own are left as they are)."""
    if router.middleware_stack == router.app or isinstance(
        router.middleware_stack, IndexedDispatch
    ):
        router.middleware_stack = IndexedDispatch(router)
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Router):
            index_routes(route.app)
    if isinstance(router.default, Router):
        index_routes(router.default)


def index_routing(stack: Iterable[Any]) -> None:
    """Index the routers of the routing middleware in Connexion's built middleware ``stack``."""
    for layer in stack:
        if isinstance(layer, RoutingMiddleware):
            index_routes(layer.router)
