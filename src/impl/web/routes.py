"""Which methods a spec declares for a concrete request path (for the ``Allow`` header)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException

from contractkit.openapi import HTTP_METHODS


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", template)
    pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{pattern}/?$")


def _literal_segments(template: str) -> int:
    return sum(1 for segment in template.split("/") if segment and "{" not in segment)


class MethodIndex:
    """Maps request paths (below the API's base path) to the methods the spec allows."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._routes = [
            (
                _literal_segments(path),
                _template_regex(path),
                {m.upper() for m in item if m in HTTP_METHODS},
            )
            for path, item in document.get("paths", {}).items()
        ]

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (one index per served API, kept for good)
    def allowed(self, path: str) -> list[str]:
        """Methods of the most specific matching path (static segments beat templates)."""
        matches = [
            (literal, methods) for literal, regex, methods in self._routes if regex.match(path)
        ]
        if not matches:
            return []
        best = max(literal for literal, _ in matches)
        methods = set().union(*(declared for literal, declared in matches if literal == best))
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods)


class MostSpecificPathGuard:
    """ASGI middleware: a method the most specific spec path lacks answers 405 before routing.

    Connexion routes ``GET /files/private`` to ``GET /files/{id}`` when only
    ``POST /files/private`` exists; OpenAPI matches static paths first, so that request is
    a 405 (with the ``Allow`` of ``/files/private``), not a validation error of ``{id}``.
    """

    def __init__(self, app: Any, indexes: list[tuple[str, MethodIndex]]) -> None:
        self.app = app
        self.indexes = sorted(indexes, key=lambda item: len(item[0]), reverse=True)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for base, index in self.indexes:
                if path.startswith(base.rstrip("/") + "/"):
                    allowed = index.allowed(path[len(base.rstrip("/")) :])
                    if allowed and scope["method"].upper() not in allowed:
                        raise HTTPException(405)
                    break
        await self.app(scope, receive, send)
