"""Reading OpenAPI documents: files, folders, several documents, and ``$ref`` across files.

References are resolved lazily (only when a stage asks for them), so a multi-megabyte
document costs one parse and nothing more until an operation is used. Swagger 2.0
documents are converted to the OpenAPI 3.0 shape on load (see :mod:`contractkit.openapi.swagger2`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from contractkit.openapi.errors import SpecError
from contractkit.openapi.loader import discover as discover_documents
from contractkit.openapi.loader import load_file
from contractkit.openapi.swagger2 import convert_swagger2

POINTER_PREFIXES = (
    ("/definitions/", "/components/schemas/"),
    ("/parameters/", "/components/parameters/"),
    ("/responses/", "/components/responses/"),
    ("/securityDefinitions/", "/components/securitySchemes/"),
)

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_NOT_FOUND = object()


class DocumentError(Exception):
    """A document cannot be read, or a reference in it cannot be resolved."""


class Located(NamedTuple):
    """A node of some document, with the file it lives in and its JSON pointer there."""

    node: Any
    file: Path
    pointer: str


def parse_file(path: Path) -> Any:
    """Parse one YAML or JSON file (cached by the shared loader until the file changes)."""
    try:
        return load_file(path)
    except SpecError as exc:
        raise DocumentError(str(exc)) from exc


def spec_version(document: Any) -> str | None:
    """``"2.0"``, ``"3.0"`` or ``"3.1"`` for an OpenAPI/Swagger document, else ``None``."""
    if not isinstance(document, dict):
        return None
    if str(document.get("swagger", "")).startswith("2"):
        return "2.0"
    version = str(document.get("openapi", ""))
    if version.startswith("3.1") or version.startswith("3.2"):
        return "3.1"
    if version.startswith("3"):
        return "3.0"
    return None


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer token (``~`` and ``/``)."""
    return token.replace("~", "~0").replace("/", "~1")


def _unescape_token(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def walk_pointer(node: Any, pointer: str) -> Any:
    """The node at ``pointer`` (``/a/b/0``) below ``node``, or raise ``DocumentError``."""
    if pointer in ("", "/"):
        return node
    for raw in pointer.lstrip("/").split("/"):
        token = _unescape_token(raw)
        if isinstance(node, dict):
            found = node.get(token, _NOT_FOUND)
            if found is _NOT_FOUND and token.isdigit():
                found = node.get(int(token), _NOT_FOUND)
            node = found
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            node = _NOT_FOUND
        if node is _NOT_FOUND:
            raise DocumentError(f"no node at {pointer!r}")
    return node


class Workspace:
    """All documents of one mock: the root documents and every file they reference."""

    def __init__(self) -> None:
        self._documents: dict[Path, Any] = {}
        self._versions: dict[Path, str] = {}
        self.roots: list[Path] = []

    @property
    def files(self) -> list[Path]:
        """Every file read so far (roots and referenced files)."""
        return list(self._documents)

    def add_root(self, path: Path) -> None:
        """Serve the operations of this document."""
        path = path.resolve()
        self.document(path)
        if path not in self.roots:
            self.roots.append(path)

    def document(self, path: Path, dialect_hint: str | None = None) -> Any:
        """The parsed (and, for Swagger 2.0, converted) content of a file, cached."""
        path = path.resolve()
        cached = self._documents.get(path, _NOT_FOUND)
        if cached is not _NOT_FOUND:
            return cached
        content = parse_file(path)
        version = spec_version(content)
        if version == "2.0":
            content = convert_swagger2(content)
        self._documents[path] = content
        self._versions[path] = version or dialect_hint or "3.0"
        return content

    def version(self, path: Path) -> str:
        """The OpenAPI version (schema dialect) of a loaded file."""
        return self._versions.get(path.resolve(), "3.0")

    def resolve(self, ref: str, base: Path) -> Located:
        """The target of a ``$ref`` written in file ``base``."""
        location, _, fragment = ref.partition("#")
        target = (base.parent / unquote(location)).resolve() if location else base
        if location and target not in self._documents:
            self.document(target, dialect_hint=self.version(base))
        pointer = fragment or ""
        if self._versions.get(target) == "2.0":
            for old, new in POINTER_PREFIXES:
                if pointer.startswith(old):
                    pointer = new + pointer[len(old) :]
                    break
        try:
            node = walk_pointer(self._documents[target], pointer)
        except DocumentError as exc:
            raise DocumentError(f"unresolvable $ref {ref!r} in {base}: {exc}") from exc
        return Located(node, target, pointer)

    def follow(self, located: Located, limit: int = 32) -> Located:
        """Follow ``$ref`` chains of non-schema objects (parameters, responses, ...)."""
        for _ in range(limit):
            node = located.node
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return located
            located = self.resolve(node["$ref"], located.file)
        raise DocumentError(f"$ref chain too long at {located.file}#{located.pointer}")

    def _neighbours(self, path: Path) -> list[Path]:
        """Documents next to ``path`` (module folders share a components document)."""
        found = []
        for candidate in _spec_files(path.parent):
            if candidate in self._documents:
                continue
            try:
                content = self.document(candidate)
            except DocumentError:
                continue
            if spec_version(content) is not None:
                found.append(candidate)
        return found

    def find_component(self, kind: str, name: str, prefer: Path) -> Located | None:
        """A named component (e.g. a security scheme), from ``prefer`` first, then anywhere."""
        for path in [prefer, *self._documents, *self._neighbours(prefer)]:
            content = self._documents.get(path)
            if not isinstance(content, dict):
                continue
            components = content.get("components")
            if isinstance(components, dict):
                group = components.get(kind)
                if isinstance(group, dict) and name in group:
                    pointer = f"/components/{kind}/{escape_pointer_token(name)}"
                    return self.follow(Located(group[name], path, pointer))
        return None


def _spec_files(folder: Path) -> list[Path]:
    return sorted(
        p.resolve() for p in folder.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file()
    )


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """The documents to serve: files as given; for folders, their OpenAPI/Swagger documents
    that declare at least one path (shared component documents are reached by ``$ref``)."""
    try:
        return [Path(p).resolve() for p in discover_documents(paths)]
    except SpecError as exc:
        raise DocumentError(str(exc)) from exc


def load_workspace(paths: Iterable[Path | str]) -> Workspace:
    """A workspace whose roots are the documents found in ``paths``."""
    workspace = Workspace()
    documents = discover(paths)
    if not documents:
        raise DocumentError("no OpenAPI document with paths found")
    for document in documents:
        if spec_version(workspace.document(document)) is None:
            raise DocumentError(f"{document} is not an OpenAPI or Swagger document")
        workspace.add_root(document)
    return workspace
