"""The APIs the reference implementation serves, and how each one is wired."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.errors import EnvelopeRenderer
from contractkit.impl.web.bodies import UploadRoute

API_PACKAGES = ("blaize", "chainsite", "peerly", "pers")
"""Packages under ``impl`` that each serve one API; each exposes ``DEFINITION``."""


@dataclass(frozen=True)
class ApiDefinition:
    """How to serve one API.

    ``build_context`` makes the services handed to every handler as its first argument;
    ``security_map`` turns them into Connexion security handler classes by scheme type
    (see ``contractkit.impl.web.security``); ``base_path`` defaults to ``/<name>``.
    """

    name: str
    envelope: EnvelopeRenderer
    build_context: Callable[[Settings, Database], Any]
    security_map: Callable[[Any], dict[str, type]] | None = None
    mount: str | None = None
    documents: tuple[str, ...] = ()
    """Module documents (file stems) to serve; empty serves every document of the folder."""
    middleware: tuple[type, ...] = ()
    """ASGI middleware classes placed just before Connexion's security middleware."""
    lifespan: Callable[[Any], AbstractAsyncContextManager[None]] | None = None
    """Background work while the app is served: entered at start-up with the API's context
    (what ``build_context`` made), left at shutdown."""
    upload_routes: Callable[[Any], tuple[UploadRoute, ...]] | None = None
    """Routes whose bodies are files, each with its own size bound (given the API's context);
    every other body is bounded by ``CONTRACTKIT_MAX_BODY_BYTES``."""

    @property
    def package(self) -> str:
        return f"contractkit.impl.{self.name}.handlers"

    @property
    def base_path(self) -> str:
        return self.mount or f"/{self.name}"


def api_names() -> list[str]:
    """Names accepted by ``contractkit serve``."""
    return sorted(API_PACKAGES)


def definition(name: str) -> ApiDefinition:
    if name not in API_PACKAGES:
        known = ", ".join(api_names())
        raise KeyError(f"unknown API {name!r}; known APIs: {known}")
    return importlib.import_module(f"contractkit.impl.{name}").DEFINITION
