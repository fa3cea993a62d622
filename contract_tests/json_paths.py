"""Addressing a value inside a JSON document by pointer (`/a/0/b`) or dotted path (`a.0.b`)."""

from __future__ import annotations

from typing import Any

from contractkit.openapi.pointers import resolve_pointer, unescape_token


def extract(document: Any, path: str) -> Any:
    """The value at `path` in `document`; `KeyError` when there is none."""
    if path in ("", "/"):
        return document
    tokens = path[1:].split("/") if path.startswith("/") else path.split(".")
    try:
        return resolve_pointer(document, tuple(unescape_token(token) for token in tokens))
    except KeyError:
        raise KeyError(path) from None
