"""Connexion security handlers bound to an API's own credential checks.

Connexion normally finds check functions through ``x-*InfoFunc`` extensions in the spec; ours
keep specs free of Python names, so each API binds its checks here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from connexion.security import (
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
)

FINISH_CHECK = "finish_check"
"""Key of ``token_info`` holding the part of a credential check that needs the database: a
callable given ``token_info``, raising the API's 401 when the credentials must be refused. It is
run in the handler's worker thread just before the handler (see
:mod:`contractkit.impl.web.operations`), so the request crosses to a thread once."""

Check = Callable[..., dict | Awaitable[dict | None] | None]
"""A credential check: the caller's info, or None to refuse; it may be a coroutine function."""


@functools.cache
def _accepts(check: Callable[..., object], keyword: str) -> bool:
    return AbstractSecurityHandler._accepts_kwarg(check, keyword)


class ArgumentsReadOnce:
    """Connexion reads a check's signature on every request (does it take the request, the
    required scopes?); a check's signature never changes, so here it is read once."""

    @staticmethod
    def _accepts_kwarg(func: Callable[..., object], keyword: str) -> bool:
        return _accepts(func, keyword)


def bearer_handler(verify: Check) -> type[BearerSecurityHandler]:
    """Bearer tokens checked by ``verify(token) -> claims | None``."""

    class BoundBearerSecurityHandler(ArgumentsReadOnce, BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundBearerSecurityHandler


def api_key_handler(verify: Check) -> type[ApiKeySecurityHandler]:
    """API keys (header, query or cookie) checked by ``verify(key) -> info | None``."""

    class BoundApiKeySecurityHandler(ArgumentsReadOnce, ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundApiKeySecurityHandler


def basic_handler(verify: Check) -> type[BasicSecurityHandler]:
    """HTTP basic credentials checked by ``verify(username, password) -> info | None``."""

    class BoundBasicSecurityHandler(ArgumentsReadOnce, BasicSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundBasicSecurityHandler
