"""Addressing a value inside a JSON document by pointer (`/a/0/b`) or dotted path (`a.0.b`)."""

from __future__ import annotations

from typing import Any


def extract(document: Any, path: str) -> Any:
    """The value at `path` in `document`; `KeyError` when there is none."""
    if path in ("", "/"):
        return document
    tokens = path[1:].split("/") if path.startswith("/") else path.split(".")
    node = document
    for raw in tokens:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(path)
    return node
