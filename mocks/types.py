"""Shared types of the mock pipeline: requests, responses, violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

JSON = Any
"""Any value that JSON can hold (dict, list, str, int, float, bool, None)."""

Schema = dict[str, Any]
"""A JSON Schema (2020-12 once compiled) or an OpenAPI schema object before compiling."""


def mapping_at(node: dict[str, Any], key: str) -> dict[str, Any]:
    """``node[key]`` when it is an object, else an empty one (documents are not always valid)."""
    value = node.get(key)
    return value if isinstance(value, dict) else {}


def list_at(node: dict[str, Any], key: str) -> list[Any]:
    """``node[key]`` when it is an array, else an empty one."""
    value = node.get(key)
    return value if isinstance(value, list) else []


@dataclass(slots=True)
class MockRequest:
    """One HTTP request as the pipeline sees it; header names are lower-case."""

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    _query: list[tuple[str, str]] | None = None
    _cookies: dict[str, str] | None = None

    @property
    def query(self) -> list[tuple[str, str]]:
        """The query string as ordered (name, value) pairs, blanks kept."""
        if self._query is None:
            self._query = parse_qsl(self.query_string, keep_blank_values=True)
        return self._query

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent in the ``Cookie`` header."""
        if self._cookies is None:
            jar: dict[str, str] = {}
            for part in self.headers.get("cookie", "").split(";"):
                name, sep, value = part.strip().partition("=")
                if sep and name:
                    jar[name] = value
            self._cookies = jar
        return self._cookies

    @property
    def content_type(self) -> str:
        """The bare media type of the body (no parameters), lower-case, or ``""``."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(slots=True)
class MockResponse:
    """What the pipeline answers: status, headers (lower-case names) and body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    documented_as: str | None = None
    """The response key of the spec this answer stands for (``"200"``, ``"default"``...)."""
    delay: float = 0.0
    """Seconds to wait before answering (latency simulation)."""
    given_again: bool = False
    """Whether the engine hands out this very object again for the same request (its
    encoded bytes are then worth keeping)."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request breaks its contract; returned as data, never raised."""

    location: str
    """``path``, ``query``, ``header``, ``cookie``, ``body``, ``content-type`` or ``security``."""
    name: str
    """The parameter name or the body location as a dotted path (``""`` for the whole body)."""
    message: str

    def as_dict(self) -> dict[str, str]:
        """The violation as a small JSON object."""
        return {"location": self.location, "name": self.name, "message": self.message}
