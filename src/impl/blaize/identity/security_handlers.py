"""One Connexion API-key handler class serving all three Blaize API-key schemes.

Connexion picks security handlers by scheme type, and all three Blaize schemes are of type
``apiKey``; this class chooses the check by where the scheme's key is sent (``in``, ``name``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from connexion.security import ApiKeySecurityHandler

from contractkit.impl.web.security import ArgumentsReadOnce

Check = Callable[..., object]


def api_key_handler_by_location(
    checks: Mapping[tuple[str, str], Check],
) -> type[ApiKeySecurityHandler]:
    """``checks`` maps ``(in, lower-case name)`` of a scheme to its check function."""

    class LocatedApiKeySecurityHandler(ArgumentsReadOnce, ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> Check | None:
            key = (security_scheme.get("in", ""), security_scheme.get("name", "").lower())
            return checks.get(key)

    return LocatedApiKeySecurityHandler
