"""Connexion's ``AsyncApp`` without work repeated for every request.

- Connexion 3 builds the decorators that turn a request into handler arguments, and a
  handler's answer into a response, again for every request (inspecting the handler's
  signature each time). The wrapping depends only on the handler, so here it is built on an
  operation's first request and kept; everything that depends on the request is still read
  from the request.
- A synchronous handler runs in its worker thread right after the database part of the
  credential check, so a request crosses from the event loop to a thread once.
- Connexion's routing tries only the routes whose literal segments the request path starts
  with (:mod:`~contractkit.impl.web.route_index`).
- Connexion's Swagger UI middleware matches every request against the routes of every API's
  UI and spec pages; here only requests whose path can name such a page (a ``ui`` segment,
  or ending in ``openapi.json`` / ``openapi.yaml``) go through that router.
"""

from __future__ import annotations

import functools
import inspect
import typing as t

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp, AsyncOperation
from connexion.context import context, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from contractkit.impl.web.route_index import index_routing
from contractkit.impl.web.security import FINISH_CHECK

SPEC_PAGES = ("openapi.json", "openapi.yaml")


def _finish_check() -> t.Callable[[dict], None] | None:
    """The database part of this request's credential check, taken out of ``token_info``."""
    token_info = context.get("token_info")
    return token_info.pop(FINISH_CHECK, None) if isinstance(token_info, dict) else None


def _checked_call(
    finish: t.Callable[[dict], None] | None,
    function: t.Callable,
    args: tuple[t.Any, ...],
    kwargs: dict[str, t.Any],
) -> t.Any:
    """Finish the credential check, then call the handler (both in one worker thread)."""
    if finish is not None:
        finish(context["token_info"])
    return function(*args, **kwargs)


class ReusableStarletteDecorator(StarletteDecorator):
    """Decorates the handler once; each call only builds the request.

    A synchronous handler runs in a worker thread together with the database part of the
    credential check (:data:`~contractkit.impl.web.security.FINISH_CHECK`): one thread
    hand-off per request instead of one for the check and one for the handler.
    """

    @property
    def _sync_async_decorator(self) -> t.Callable[[t.Callable], t.Callable]:
        def decorator(function: t.Callable) -> t.Callable:
            if inspect.iscoroutinefunction(function):

                @functools.wraps(function)
                async def coroutine(*args: t.Any, **kwargs: t.Any) -> t.Any:
                    finish = _finish_check()
                    if finish is not None:
                        await run_in_threadpool(finish, context["token_info"])
                    return await function(*args, **kwargs)

                return coroutine

            @functools.wraps(function)
            async def threaded(*args: t.Any, **kwargs: t.Any) -> t.Any:
                return await run_in_threadpool(
                    _checked_call, _finish_check(), function, args, kwargs
                )

            return threaded

        return decorator

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
        self._routing_indexed = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._routing_indexed:
            # Connexion builds its middleware stack on the first call (the lifespan's start).
            stack = self.middleware.middleware_stack
            if stack is not None:
                index_routing(stack)
                self._routing_indexed = True  # once built, the stack does not change
        await super().__call__(scope, receive, send)
