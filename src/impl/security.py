"""Connexion security handlers bound to an API's own token check."""

from __future__ import annotations

from collections.abc import Callable

from connexion.security import BearerSecurityHandler


def bearer_handler(verify: Callable[[str], dict | None]) -> type[BearerSecurityHandler]:
    """A bearer handler class that checks tokens with ``verify`` instead of a spec extension."""

    class BoundBearerSecurityHandler(BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Callable[[str], dict | None]:
            return verify

    return BoundBearerSecurityHandler
