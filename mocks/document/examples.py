"""The examples of a media type as the mock serves them: resolved and checked once.

An example's value may be written in place, be a ``$ref`` to a file beside the document
(``{"$ref": "examples/pet.json"}``, also nested inside a value) or an ``externalValue``;
files are read through the kernel's workspace, relative to the file that names them. An
example that cannot be resolved, or whose value breaks its schema, is never served: it is
kept as a :class:`Defect`, listed at start-up and by ``contractkit lint``, and the next
usable example (or generated data) is served instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractkit.mock.document.model import MediaType, Operation
from contractkit.mock.types import mapping_at
from contractkit.openapi.errors import SpecError
from contractkit.openapi.workspace import Located, Workspace

_MAX_DEPTH = 16
_MAX_MESSAGE = 160
_REMOTE = ("http://", "https://", "ftp://")
_TEXT_KINDS = ("string", None)


@dataclass(frozen=True, slots=True)
class Example:
    """One usable example: its name (``None`` for a media type's single ``example``)."""

    name: str | None
    value: Any


@dataclass(frozen=True, slots=True)
class Skipped:
    """An example the mock does not serve, and why."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Examples:
    """The usable examples of a media type, in document order, and the skipped ones."""

    usable: tuple[Example, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def first(self) -> Example | None:
        """The example served by default."""
        return self.usable[0] if self.usable else None

    def named(self, name: str) -> Example | None:
        """The usable example called ``name``."""
        return next((e for e in self.usable if e.name == name), None)

    def skip_reason(self, name: str) -> str | None:
        """Why the example called ``name`` is not served, when it is not."""
        return next((s.reason for s in self.skipped if s.name == name), None)


@dataclass(frozen=True, slots=True)
class Defect:
    """An example of the document that the mock skips: where it is and why."""

    file: Path
    """The document that defines the operation."""
    operation: str
    status: str
    """The response key (``200``, ``4XX``, ``default``) or ``request`` for a request body."""
    media: str
    example: str
    reason: str

    def line(self) -> str:
        """One line for the start-up listing."""
        return (
            f"{self.operation} {self.status} {self.media} example {self.example!r}: {self.reason}"
        )


class _Unresolvable(Exception):
    """An example's ``$ref`` or ``externalValue`` could not be read."""


def _resolve_refs(value: Any, base: Path, workspace: Workspace, depth: int = 0) -> Any:
    """``value`` with every ``{"$ref": "..."}`` inside it replaced by what it names."""
    if depth > _MAX_DEPTH:
        raise _Unresolvable("$ref nesting deeper than 16 levels (a cycle?)")
    if isinstance(value, dict):
        ref = value.get("$ref")
        if len(value) == 1 and isinstance(ref, str):
            if ref.startswith(_REMOTE):
                raise _Unresolvable(f"remote $ref {ref!r} is not fetched")
            try:
                target = workspace.target(ref, base)
                found = workspace.external_value(ref, base)
            except SpecError as exc:
                raise _Unresolvable(str(exc)) from None
            return _resolve_refs(found, target.file, workspace, depth + 1)
        changed = {k: _resolve_refs(v, base, workspace, depth + 1) for k, v in value.items()}
        return changed if any(changed[k] is not value[k] for k in value) else value
    if isinstance(value, list):
        items = [_resolve_refs(v, base, workspace, depth + 1) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def _external(url: Any, base: Path, workspace: Workspace) -> Any:
    if not isinstance(url, str) or not url:
        raise _Unresolvable("externalValue is not a URL")
    if url.startswith(_REMOTE):
        raise _Unresolvable(f"remote externalValue {url!r} is not fetched")
    try:
        return workspace.external_value(url, base)
    except SpecError as exc:
        raise _Unresolvable(str(exc)) from None


def _schema_kind(media: MediaType) -> str | None:
    schema = media.schema.schema if media.schema is not None else None
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if isinstance(kind, str) else None


def _is_json(media: MediaType) -> bool:
    bare = media.name.split(";", 1)[0].strip().lower()
    return bare.endswith(("/json", "+json")) or bare in ("*/*", "application/*")


def _checked(value: Any, media: MediaType) -> tuple[Any, str | None]:
    """(value to serve, why it breaks its schema or ``None``)."""
    schema = media.schema
    if schema is None:
        return value, None
    if schema.is_valid(value):
        return value, None
    if isinstance(value, str):
        if not _is_json(media) and _schema_kind(media) not in _TEXT_KINDS:
            return value, None  # serialized text (XML, CSV...): not checkable as JSON
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if parsed is not None and schema.is_valid(parsed):
            return parsed, None
    errors = schema.errors(value, limit=1)
    if errors:
        where, message = errors[0]
        if len(message) > _MAX_MESSAGE:
            message = message[: _MAX_MESSAGE - 3] + "..."
        return value, f"breaks its schema: {message}" + (f" (at {where})" if where else "")
    return value, "breaks its schema"


def _entry(
    entry: Any, located: Located, workspace: Workspace, media: MediaType
) -> tuple[Any, str | None]:
    """(value, why it is skipped or ``None``) of one entry of an ``examples`` map."""
    try:
        found = workspace.follow(Located(entry, located.file, located.pointer))
    except SpecError as exc:
        return None, f"cannot be resolved: {exc}"
    node = found.node
    if not isinstance(node, dict):
        return None, "is not an Example object"
    try:
        if "value" in node:
            value = _resolve_refs(node["value"], found.file, workspace)
        elif "externalValue" in node:
            value = _external(node["externalValue"], found.file, workspace)
        else:
            return None, "has neither value nor externalValue"
    except _Unresolvable as exc:
        return None, f"cannot be resolved: {exc}"
    return _checked(value, media)


def read_examples(media: MediaType, workspace: Workspace) -> Examples:
    """The examples of ``media``, resolved and checked (computed once per media type)."""
    cached = media.examples
    if isinstance(cached, Examples):
        return cached
    usable: list[Example] = []
    skipped: list[Skipped] = []
    node = media.node
    base = media.located.file
    if "example" in node:
        try:
            value, problem = _checked(_resolve_refs(node["example"], base, workspace), media)
        except _Unresolvable as exc:
            value, problem = None, f"cannot be resolved: {exc}"
        if problem is None:
            usable.append(Example(None, value))
        else:
            skipped.append(Skipped("example", problem))
    for name, entry in mapping_at(node, "examples").items():
        located = media.located.child("examples", str(name))
        value, problem = _entry(entry, located, workspace, media)
        if problem is None:
            usable.append(Example(str(name), value))
        else:
            skipped.append(Skipped(str(name), problem))
    media.examples = found = Examples(tuple(usable), tuple(skipped))
    return found


def _media_of(operation: Operation) -> Iterator[tuple[str, MediaType]]:
    body = operation.request_body
    if body is not None:
        for media in body[1].values():
            yield "request", media
    for key, response in operation.responses.items():
        for media in response.content.values():
            yield key, media


def defects(operations: Iterable[Operation]) -> list[Defect]:
    """Every example of ``operations`` that the mock skips, in document order."""
    found: list[Defect] = []
    for operation in operations:
        for where, media in _media_of(operation):
            node = media.node
            if "example" not in node and not node.get("examples"):
                continue
            for skipped in read_examples(media, operation.workspace).skipped:
                found.append(
                    Defect(
                        operation.spec.located.file,
                        operation.label,
                        where,
                        media.name,
                        skipped.name,
                        skipped.reason,
                    )
                )
    return found
