"""Loading the OpenAPI documents a run tests, and the API root they declare.

Each spec argument is one API: a file is one document, a folder is the module documents of one
API, bundled into one self-contained document by `contractkit.openapi.bundle`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class DocumentError(Exception):
    """A spec argument could not be turned into an OpenAPI document."""


@dataclass(frozen=True)
class LoadedDocument:
    """One API's document and the name reports use for it."""

    name: str
    document: dict[str, Any]

    @property
    def server_path(self) -> str:
        """The path of `servers[0].url` (e.g. `/peerly`), or "" when none is declared."""
        return server_path(self.document)


def server_path(document: dict[str, Any]) -> str:
    """The path part of the document's first server URL, without a trailing slash."""
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url", ""))
    return urlsplit(url).path.rstrip("/")


def load(spec: str | Path | dict[str, Any], *, name: str | None = None) -> LoadedDocument:
    """Load one spec argument: a file, a folder of module documents, or a parsed document."""
    if isinstance(spec, dict):
        title = str(spec.get("info", {}).get("title", "api"))
        return LoadedDocument(name=name or title, document=spec)
    path = Path(spec)
    if not path.exists():
        raise DocumentError(f"{path}: no such file or folder")
    document = _bundle(path)
    if not isinstance(document, dict) or "paths" not in document:
        raise DocumentError(f"{path}: not an OpenAPI document (no `paths`)")
    return LoadedDocument(name=name or str(path), document=document)


def _bundle(path: Path) -> dict[str, Any]:
    try:
        from contractkit.openapi.bundle import bundle
    except ImportError:
        if path.is_dir():
            raise DocumentError(
                f"{path}: bundling a folder needs contractkit.openapi.bundle (not available)"
            ) from None
        return _parse_self_contained(path)
    try:
        return bundle([path]).document
    except Exception as exc:
        raise DocumentError(f"{path}: {exc}") from exc


def _parse_self_contained(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise DocumentError(f"{path}: {exc}") from exc
    if _has_external_ref(document):
        raise DocumentError(
            f"{path}: has references to other files, which need contractkit.openapi.bundle"
        )
    return document


def _has_external_ref(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_has_external_ref(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_external_ref(value) for value in node)
    return False
