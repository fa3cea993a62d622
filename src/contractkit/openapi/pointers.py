"""JSON pointers and ``$ref`` strings: escape, unescape, format, parse, resolve.

The one place that knows RFC 6901: every reader of documents addresses nodes through these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from contractkit.openapi.errors import SpecError

Pointer = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """A node of a document on disk: the resolved file and a JSON pointer in it."""

    file: Path
    pointer: Pointer

    def fragment(self) -> str:
        """The pointer as a ``#/...`` fragment."""
        return "#" + format_pointer(self.pointer)

    def __str__(self) -> str:
        return f"{self.file}{self.fragment()}"


def escape_token(token: str) -> str:
    """Escape one reference token (``~`` then ``/``)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo :func:`escape_token` (``~1`` then ``~0``)."""
    return token.replace("~1", "/").replace("~0", "~")


def format_pointer(pointer: Pointer) -> str:
    """``("paths", "/a")`` -> ``/paths/~1a``; the empty pointer is ``""``."""
    return "".join("/" + escape_token(token) for token in pointer)


def parse_pointer(text: str) -> Pointer:
    """Parse a JSON pointer (percent-decoded first, as in a URI fragment)."""
    text = unquote(text)
    if not text:
        return ()
    if not text.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {text!r}")
    return tuple(unescape_token(part) for part in text[1:].split("/"))


def split_ref(ref: str, base: Path) -> Location:
    """Resolve a ``$ref`` string found in the document ``base`` to a location."""
    file_part, _, fragment = ref.partition("#")
    if file_part:
        parts = urlsplit(file_part)
        if parts.scheme == "file":
            target = Path(unquote(parts.path))
        elif parts.scheme and len(parts.scheme) > 1:
            raise SpecError(f"remote $ref {ref!r} is not supported; use a local file", file=base)
        else:
            target = base.parent / unquote(file_part)
        target = target.resolve()
    else:
        target = base
    try:
        pointer = parse_pointer(fragment)
    except ValueError as exc:
        raise SpecError(f"invalid $ref {ref!r}: {exc}", file=base) from None
    return Location(target, pointer)


def resolve_pointer(document: Any, pointer: Pointer) -> Any:
    """The node at ``pointer``; ``KeyError`` naming the first missing token."""
    node = document
    for token in pointer:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node
