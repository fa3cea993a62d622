"""The errors handlers and services raise: a status, a machine-readable code and a message.

How each API renders them (its envelope) is the API's own (``ApiDefinition.envelope``); turning
every failure at the edge of the app into that envelope is ``contractkit.impl.web.failures``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ApiError(Exception):
    """A failure with an HTTP status, a machine-readable code and a human message."""

    status: int
    code: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


EnvelopeRenderer = Callable[[ApiError], dict]
"""An API's error envelope: the JSON body it answers an :class:`ApiError` with."""


def not_found(what: str = "Resource", field_name: str | None = None) -> ApiError:
    fields = {field_name: f"{what} not found"} if field_name else {}
    return ApiError(404, "not_found", f"{what} not found", fields)


def forbidden(message: str = "Permission required") -> ApiError:
    return ApiError(403, "access_denied", message)


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def unauthorized(message: str = "unauthorized user") -> ApiError:
    return ApiError(401, "invalid_token", message)
