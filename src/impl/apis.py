"""The APIs the reference implementation serves, and how each one is wired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from impl.config import Settings
from impl.db import Database
from impl.errors import EnvelopeRenderer


@dataclass(frozen=True)
class ApiDefinition:
    """How to serve one API: its spec folder, handler package and services."""

    name: str
    package: str
    envelope: EnvelopeRenderer
    build_context: Callable[[Settings, Database], Any]
    bearer_verifier: Callable[[Any], Callable[[str], dict | None]] | None = None

    @property
    def base_path(self) -> str:
        return f"/{self.name}"


def _peerly() -> ApiDefinition:
    from impl import peerly

    return ApiDefinition(
        name="peerly",
        package="impl.peerly",
        envelope=peerly.envelope,
        build_context=peerly.build_context,
        bearer_verifier=peerly.bearer_verifier,
    )


_DEFINITIONS: dict[str, Callable[[], ApiDefinition]] = {"peerly": _peerly}


def api_names() -> list[str]:
    """Names accepted by ``contractkit serve``."""
    return sorted(_DEFINITIONS)


def definition(name: str) -> ApiDefinition:
    try:
        return _DEFINITIONS[name]()
    except KeyError:
        known = ", ".join(api_names())
        raise KeyError(f"unknown API {name!r}; known APIs: {known}") from None
