"""Connexion's ``AsyncApp``, with each operation's handler wrapped once instead of per request.

Connexion 3 builds the decorators that turn a request into handler arguments, and a handler's
answer into a response, again for every request (inspecting the handler's signature each
time). The wrapping depends only on the handler, so here it is built on an operation's first
request and kept; everything that depends on the request is still read from the request.
"""

from __future__ import annotations

import functools
import typing as t

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation


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


class ServedApp(AsyncApp):
    """``AsyncApp`` whose operations keep their wrapped handlers."""

    def __init__(self, import_name: str, **kwargs: t.Any) -> None:
        self._middleware_app = ReusedOperationsASGIApp()
        AbstractApp.__init__(self, import_name, **kwargs)
