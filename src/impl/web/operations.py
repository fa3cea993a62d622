"""Connexion's ``AsyncApp`` without work repeated for every request.

- Connexion 3 builds the decorators that turn a request into handler arguments, and a
  handler's answer into a response, again for every request (inspecting the handler's
  signature each time). The wrapping depends only on the handler, so here it is built on an
  operation's first request and kept; everything that depends on the request is still read
  from the request.
- Connexion's Swagger UI middleware matches every request against the routes of every API's
  UI and spec pages; here only requests whose path can name such a page (a ``ui`` segment,
  or ending in ``openapi.json`` / ``openapi.yaml``) go through that router.
"""

from __future__ import annotations

import functools
import typing as t

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send

SPEC_PAGES = ("openapi.json", "openapi.yaml")


class ReusableStarletteDecorator(StarletteDecorator):
    """Decorates the handler once; each call only builds the request."""

    def __call__(self, function: t.Callable) -> t.Callable:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*_args: t.Any, **_kwargs: t.Any) -> t.Any:
            request = self.framework.get_request(
                uri_parser=self.uri_parser, scope=scope, receive=receive
            )
            return await decorated(request)

        return wrapper


class ReusedOperation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> t.Callable:  # type: ignore[override]
        decorator = ReusableStarletteDecorator(
            pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        return decorator(self._fn)


class ReusedOperationsApi(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return ReusedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class ReusedOperationsASGIApp(AsyncASGIApp):
    api_cls = ReusedOperationsApi


def may_be_spec_page(path: str) -> bool:
    """Whether ``path`` may name a Swagger UI or spec page of some API."""
    segments = path.split("/")
    return "ui" in segments or segments[-1] in SPEC_PAGES


class SpecPagesMiddleware(SwaggerUIMiddleware):
    """Swagger UI and spec pages; other requests pass straight on."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not may_be_spec_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


MIDDLEWARES = [
    SpecPagesMiddleware if middleware is SwaggerUIMiddleware else middleware
    for middleware in ConnexionMiddleware.default_middlewares
]


class ServedApp(AsyncApp):
    """``AsyncApp`` whose operations keep their wrapped handlers, with the cheaper UI pages."""

    def __init__(self, import_name: str, **kwargs: t.Any) -> None:
        self._middleware_app = ReusedOperationsASGIApp()
        kwargs.setdefault("middlewares", list(MIDDLEWARES))  # Connexion inserts into it
        AbstractApp.__init__(self, import_name, **kwargs)
