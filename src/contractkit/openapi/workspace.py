"""The one ``$ref`` resolver: documents read lazily, refs followed on demand.

A :class:`Workspace` parses a document the first time something needs it and resolves a
``$ref`` only when asked, so a multi-megabyte document costs one parse and nothing more
until a part of it is used. Local refs (``#/...``) and relative-file refs
(``other.yaml#/...``) are followed; cycles are not expanded (a resolved node keeps the refs
it contains) and ``$ref`` chains are cut after a bound. Swagger 2.0 documents are converted
to the OpenAPI 3.0 shape on load unless the workspace is asked to keep them as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from contractkit.openapi.errors import SpecError
from contractkit.openapi.loader import discover, load_file, load_value, spec_files_in
from contractkit.openapi.pointers import (
    Location,
    Pointer,
    format_pointer,
    resolve_pointer,
    split_ref,
)
from contractkit.openapi.swagger2 import convert_swagger2, swagger2_pointer

_MAX_REF_HOPS = 32
IN_MEMORY = Path("<document>")
"""The file name of a document given as data rather than read from disk."""


class Located(NamedTuple):
    """A node of some document, with the file it lives in and its JSON pointer there."""

    node: Any
    file: Path
    pointer: Pointer

    def child(self, *tokens: str) -> Located:
        """The node below this one at ``tokens`` (``None`` where there is none), not followed."""
        node = self.node
        for token in tokens:
            node = node.get(token) if isinstance(node, dict) else None
        return Located(node, self.file, (*self.pointer, *tokens))

    @property
    def location(self) -> Location:
        return Location(self.file, self.pointer)

    def __str__(self) -> str:
        return f"{self.file}#{format_pointer(self.pointer)}"


def spec_version(document: Any) -> str | None:
    """``"2.0"``, ``"3.0"`` or ``"3.1"`` for an OpenAPI/Swagger document, else ``None``."""
    if not isinstance(document, dict):
        return None
    if str(document.get("swagger", "")).startswith("2"):
        return "2.0"
    version = str(document.get("openapi", ""))
    if version.startswith(("3.1", "3.2")):
        return "3.1"
    if version.startswith("3"):
        return "3.0"
    return None


class Workspace:
    """Documents read so far: the roots (the documents served or tested) and what they reference.

    ``convert_swagger2`` (default) reads every Swagger 2.0 document in the OpenAPI 3.0 shape,
    translating refs into it; without it documents are kept as written. Documents are shared
    with the loader's cache: treat every node as read-only.
    """

    def __init__(self, *, convert_swagger2: bool = True) -> None:
        self.convert_swagger2 = convert_swagger2
        self.roots: list[Path] = []
        self._documents: dict[Path, Any] = {}
        self._versions: dict[Path, str] = {}
        self._targets: dict[tuple[str, Path], Location] = {}
        self._values: set[Path] = set()

    @classmethod
    def load(cls, paths: Iterable[Path | str], *, convert_swagger2: bool = True) -> Workspace:
        """A workspace whose roots are the documents found in ``paths`` (see :func:`discover`)."""
        workspace = cls(convert_swagger2=convert_swagger2)
        found = discover(paths)
        if not found:
            raise SpecError("no OpenAPI document with paths found")
        for path in found:
            if spec_version(load_file(path)) is None:
                raise SpecError(f"{path} is not an OpenAPI or Swagger document")
            workspace.add_root(path)
        return workspace

    @classmethod
    def of(
        cls, document: dict[str, Any], file: Path = IN_MEMORY, *, convert_swagger2: bool = True
    ) -> Workspace:
        """A workspace whose one root is ``document``, given as data (its refs local)."""
        workspace = cls(convert_swagger2=convert_swagger2)
        workspace._store(file, document, None)
        workspace.roots.append(file)
        return workspace

    @property
    def files(self) -> list[Path]:
        """Every file read so far (roots, referenced files and example files)."""
        return [*self._documents, *(p for p in self._values if p not in self._documents)]

    def add_root(self, path: Path | str) -> None:
        """Serve (or test) the operations of this document."""
        resolved = Path(path).resolve()
        self.document(resolved)
        if resolved not in self.roots:
            self.roots.append(resolved)

    def document(self, path: Path, dialect_hint: str | None = None) -> Any:
        """The parsed (and, when converting, 2.0-converted) content of a file, cached."""
        cached = self._documents.get(path)
        if cached is not None:
            return cached
        path = path.resolve()
        cached = self._documents.get(path)
        if cached is not None:
            return cached
        return self._store(path, load_file(path), dialect_hint)

    def _store(self, path: Path, content: Any, dialect_hint: str | None) -> Any:
        version = spec_version(content)
        if version == "2.0" and self.convert_swagger2:
            content = convert_swagger2(content)
        self._documents[path] = content
        self._versions[path] = version or dialect_hint or "3.0"
        return content

    def version(self, path: Path) -> str:
        """The OpenAPI version (schema dialect) of a loaded file: ``2.0``, ``3.0`` or ``3.1``."""
        version = self._versions.get(path)
        if version is None and path != IN_MEMORY:
            version = self._versions.get(path.resolve())
        return version or "3.0"

    # -- refs ----------------------------------------------------------------------

    def target(self, ref: str, base: Path) -> Location:
        """Where a ``$ref`` written in file ``base`` leads (not followed further)."""
        key = (ref, base)
        location = self._targets.get(key)
        if location is None:
            location = self._targets[key] = split_ref(ref, base)
        return location

    def node_at(self, location: Location, dialect_hint: str | None = None) -> Any:
        """The node at ``location``; :class:`SpecError` naming the first missing token."""
        document = self.document(location.file, dialect_hint)
        try:
            return resolve_pointer(document, location.pointer)
        except KeyError as exc:
            raise SpecError(
                f"$ref target {location.fragment()} does not exist (no {exc.args[0]!r})",
                file=location.file,
            ) from None

    def resolve(self, ref: str, base: Path) -> Located:
        """The target of a ``$ref`` written in file ``base``."""
        try:
            location = self.target(ref, base)
            hint = self.version(base)
            self.document(location.file, hint)
            pointer = location.pointer
            if self.convert_swagger2 and self._versions.get(location.file) == "2.0":
                pointer = swagger2_pointer(pointer)
                location = Location(location.file, pointer)
            return Located(self.node_at(location, hint), location.file, pointer)
        except SpecError as exc:
            raise SpecError(f"unresolvable $ref {ref!r} in {base}: {exc}") from exc

    def external_value(self, ref: str, base: Path) -> Any:
        """The value an example's ``$ref`` or ``externalValue`` written in ``base`` names: a
        node of a JSON/YAML file (any value, not only a mapping) or another file's text."""
        try:
            location = self.target(ref, base)
            if location.file in self._documents:
                return self.resolve(ref, base).node
            value = load_value(location.file)
            self._values.add(location.file)
            if not location.pointer:
                return value
            if isinstance(value, str):
                raise SpecError("a text file has no JSON pointer fragments", file=location.file)
            return resolve_pointer(value, location.pointer)
        except KeyError as exc:
            raise SpecError(f"{ref!r} in {base}: no {exc.args[0]!r} in the file") from None
        except SpecError as exc:
            raise SpecError(f"{ref!r} in {base}: {exc}") from exc

    def follow(self, located: Located, limit: int = _MAX_REF_HOPS) -> Located:
        """``located`` with its ``$ref`` chain followed (parameters, responses, ... not schemas)."""
        for _ in range(limit):
            node = located.node
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return located
            located = self.resolve(node["$ref"], located.file)
        raise SpecError(f"$ref chain too long at {located}")

    def deref(self, node: Any, base: Path | None = None) -> Any:
        """``node`` (found in ``base``, the first root by default) with its refs followed."""
        return self.follow(Located(node, base or self.roots[0], ())).node

    # -- components ----------------------------------------------------------------

    def find_component(self, kind: str, name: str, prefer: Path) -> Located | None:
        """A named component (e.g. a security scheme), from ``prefer`` first, then anywhere.

        Module documents often share a components document next to them: when no document
        read so far has the component, the OpenAPI documents in ``prefer``'s folder are read.
        """
        found = self._component_in([prefer, *self._documents], kind, name)
        return found or self._component_in(self._neighbours(prefer), kind, name)

    def _component_in(self, paths: Iterable[Path], kind: str, name: str) -> Located | None:
        for path in paths:
            content = self._documents.get(path)
            components = content.get("components") if isinstance(content, dict) else None
            group = components.get(kind) if isinstance(components, dict) else None
            if isinstance(group, dict) and name in group:
                return self.follow(Located(group[name], path, ("components", kind, name)))
        return None

    def _neighbours(self, path: Path) -> list[Path]:
        if path == IN_MEMORY:
            return []
        found = []
        for candidate in spec_files_in(path.parent):
            candidate = candidate.resolve()
            if candidate in self._documents or not candidate.is_file():
                continue
            try:
                content = self.document(candidate)
            except SpecError:
                continue
            if spec_version(content) is not None:
                found.append(candidate)
        return found
