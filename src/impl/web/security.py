"""Connexion security handlers bound to an API's own credential checks.

Connexion normally finds check functions through ``x-*InfoFunc`` extensions in the spec; ours
keep specs free of Python names, so each API binds its checks here instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from connexion.security import ApiKeySecurityHandler, BasicSecurityHandler, BearerSecurityHandler

FINISH_CHECK = "finish_check"
"""Key of ``token_info`` holding the part of a credential check that needs the database: a
callable given ``token_info``, raising the API's 401 when the credentials must be refused. It is
run in the handler's worker thread just before the handler (see
:mod:`contractkit.impl.web.operations`), so the request crosses to a thread once."""

Check = Callable[..., dict | Awaitable[dict | None] | None]
"""A credential check: the caller's info, or None to refuse; it may be a coroutine function."""


def bearer_handler(verify: Check) -> type[BearerSecurityHandler]:
    """Bearer tokens checked by ``verify(token) -> claims | None``."""

    class BoundBearerSecurityHandler(BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundBearerSecurityHandler


def api_key_handler(verify: Check) -> type[ApiKeySecurityHandler]:
    """API keys (header, query or cookie) checked by ``verify(key) -> info | None``."""

    class BoundApiKeySecurityHandler(ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundApiKeySecurityHandler


def basic_handler(verify: Check) -> type[BasicSecurityHandler]:
    """HTTP basic credentials checked by ``verify(username, password) -> info | None``."""

    class BoundBasicSecurityHandler(BasicSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check:
            return verify

    return BoundBasicSecurityHandler
