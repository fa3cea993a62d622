"""The one document model: operations, their parameters, bodies, responses and security.

Everything is read from a :class:`~contractkit.openapi.workspace.Workspace` on first use
(``cached_property``), so building the operations of a huge document is cheap until an
operation is looked at. Nodes are raw: ``$ref``s to parameters, bodies, responses, headers,
examples and links are followed, schemas are handed out as :class:`Located` nodes whose
own refs are left to the caller (a validator compiles them, a test generator walks them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contractkit.openapi.bundle import bundle
from contractkit.openapi.constants import HTTP_METHODS, is_json_media_type
from contractkit.openapi.errors import SpecError
from contractkit.openapi.workspace import IN_MEMORY, Located, Workspace

_SERVER_VARIABLE = re.compile(r"\{([^}]+)\}")


def _mapping(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _schema_at(owner: Located, kinds: tuple[type, ...] = (dict, bool)) -> Located | None:
    schema = owner.child("schema")
    return schema if isinstance(schema.node, kinds) else None


@dataclass(frozen=True, slots=True)
class MediaType:
    """One entry of a ``content`` map."""

    name: str
    """The media type as written (``application/json; charset=utf-8``)."""
    located: Located

    @property
    def node(self) -> dict[str, Any]:
        """The raw media type object (``{}`` when it is not a mapping)."""
        return _mapping(self.located.node)

    @property
    def schema(self) -> Located | None:
        """Its ``schema`` (a mapping or a boolean), unresolved."""
        return _schema_at(self.located)


def content_of(owner: Located) -> dict[str, MediaType]:
    """The ``content`` map of a request body, response or parameter, by lower-case name."""
    content = _mapping(owner.node).get("content")
    return {
        str(name).lower(): MediaType(str(name), owner.child("content", str(name)))
        for name in _mapping(content)
    }


def json_media(content: dict[str, MediaType]) -> MediaType | None:
    """The first JSON media type (``application/json``, ``*/*+json``) of a ``content`` map."""
    for media in content.values():
        if is_json_media_type(media.name) and isinstance(media.located.node, dict):
            return media
    return None


def server_base_paths(servers: Any) -> list[str]:
    """The path parts of server URLs (variables replaced by their defaults), no trailing slash.

    ``[""]`` when no server declares a path.
    """
    paths: list[str] = []
    for server in servers or []:
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            continue
        variables = server.get("variables") or {}

        def default(match: re.Match[str], variables: dict[str, Any] = variables) -> str:
            variable = variables.get(match.group(1)) or {}
            return str(variable.get("default", "")) if isinstance(variable, dict) else ""

        url = _SERVER_VARIABLE.sub(default, server["url"])
        path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
        path = "/" + path.strip("/") if path.strip("/") else ""
        if path not in paths:
            paths.append(path)
    return paths or [""]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter, with OpenAPI's defaults for ``required``, ``style`` and ``explode``."""

    name: str
    location: str
    """``in``: ``path``, ``query``, ``header``, ``cookie`` (or 2.0's ``body``/``formData``)."""
    required: bool
    style: str
    explode: bool
    located: Located
    schema: Located | None
    """Its ``schema``, or the schema of its one ``content`` entry."""
    media_type: str | None = None
    """Set for parameters described with ``content`` instead of ``schema``."""

    @property
    def node(self) -> dict[str, Any]:
        """The raw (resolved) parameter object."""
        return _mapping(self.located.node)

    @classmethod
    def read(cls, located: Located) -> Parameter | None:
        """The parameter at a resolved node, or ``None`` when it has no ``name`` and ``in``."""
        node = located.node
        if not isinstance(node, dict) or "name" not in node or "in" not in node:
            return None
        location = str(node["in"])
        style = node.get("style") or ("form" if location in ("query", "cookie") else "simple")
        schema = _schema_at(located)
        media_type = None
        content = node.get("content")
        if schema is None and isinstance(content, dict) and content:
            media_type = next(iter(content))
            schema = _schema_at(located.child("content", media_type))
        return cls(
            name=str(node["name"]),
            location=location,
            required=bool(node.get("required")) or location == "path",
            style=str(style),
            explode=bool(node.get("explode", style == "form")),
            located=located,
            schema=schema,
            media_type=media_type,
        )


@dataclass(frozen=True, slots=True)
class Header:
    """One response header."""

    name: str
    required: bool
    located: Located
    schema: Located | None

    @property
    def node(self) -> dict[str, Any]:
        return _mapping(self.located.node)

    @property
    def example(self) -> Any:
        """Its ``example`` (``None`` when there is none)."""
        return self.node.get("example")


@dataclass(frozen=True, slots=True)
class RequestBody:
    """The request body of an operation."""

    required: bool
    located: Located
    content: dict[str, MediaType]

    @property
    def node(self) -> dict[str, Any]:
        return _mapping(self.located.node)


@dataclass(eq=False)
class Response:
    """One documented response: a status code, ``NXX`` (upper-case) or ``default``."""

    key: str
    located: Located
    content: dict[str, MediaType]
    headers: dict[str, Header]
    """By lower-case name."""
    workspace: Workspace = field(repr=False)

    @property
    def node(self) -> dict[str, Any]:
        """The raw (resolved) response object."""
        return _mapping(self.located.node)

    @cached_property
    def links(self) -> dict[str, Located]:
        """Its links by name, resolved."""
        links = self.located.child("links")
        return {
            str(name): self.workspace.follow(links.child(str(name)))
            for name in _mapping(links.node)
        }


@dataclass(eq=False)
class Operation:
    """One operation: a method of a path item of a root document."""

    method: str
    """Lower-case."""
    path: str
    """The path template as written in ``paths``."""
    located: Located
    path_item: Located
    workspace: Workspace = field(repr=False)
    servers: list[Any] = field(default_factory=list)
    """The servers in force: the operation's, else the path item's, else the document's."""

    @property
    def node(self) -> dict[str, Any]:
        """The raw operation object."""
        return _mapping(self.located.node)

    @cached_property
    def operation_id(self) -> str | None:
        value = self.node.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        """``METHOD /path`` for logs and reports (the label Schemathesis uses too)."""
        return f"{self.method.upper()} {self.path}"

    @cached_property
    def base_paths(self) -> list[str]:
        """The path parts of its servers' URLs (see :func:`server_base_paths`)."""
        return server_base_paths(self.servers)

    @property
    def extensions(self) -> dict[str, Any]:
        """The ``x-`` keys of the operation."""
        return {key: value for key, value in self.node.items() if key.startswith("x-")}

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Path-item and operation parameters, resolved; the operation's win by (name, in)."""
        merged: dict[tuple[str, str], Parameter] = {}
        for owner in (self.path_item, self.located):
            entries = owner.child("parameters")
            if not isinstance(entries.node, list):
                continue
            for index in range(len(entries.node)):
                item = Located(entries.node[index], owner.file, (*entries.pointer, str(index)))
                parameter = Parameter.read(self.workspace.follow(item))
                if parameter is not None:
                    merged[(parameter.name, parameter.location)] = parameter
        return list(merged.values())

    @cached_property
    def request_body(self) -> RequestBody | None:
        """The request body, or ``None`` when there is none."""
        raw = self.located.child("requestBody")
        if raw.node is None:
            return None
        located = self.workspace.follow(raw)
        if not isinstance(located.node, dict):
            return None
        return RequestBody(bool(located.node.get("required")), located, content_of(located))

    @cached_property
    def responses(self) -> dict[str, Response]:
        """Documented responses by key; a response whose ``$ref`` does not resolve is left out."""
        responses = self.located.child("responses")
        result: dict[str, Response] = {}
        for key in _mapping(responses.node):
            try:
                located = self.workspace.follow(responses.child(str(key)))
            except SpecError:
                continue
            normal = str(key).upper() if str(key) != "default" else "default"
            result[normal] = Response(
                normal, located, content_of(located), self._headers(located), self.workspace
            )
        return result

    @property
    def success_statuses(self) -> list[str]:
        """Documented 2xx response keys, in document order."""
        return [key for key in self.responses if key.startswith("2")]

    def json_schema(self, status: str | None = None) -> dict[str, Any] | None:
        """The resolved schema of the first JSON media type of the request body (no
        ``status``) or of the documented response ``status``; ``None`` when there is none."""
        if status is None:
            content = self.request_body.content if self.request_body is not None else {}
        else:
            response = self.responses.get(status)
            content = response.content if response is not None else {}
        media = json_media(content)
        schema = media.schema if media is not None else None
        if schema is None:
            return None
        node = self.workspace.follow(schema).node
        return node if isinstance(node, dict) else None

    def _headers(self, response: Located) -> dict[str, Header]:
        headers = response.child("headers")
        found: dict[str, Header] = {}
        for name in _mapping(headers.node):
            located = self.workspace.follow(headers.child(str(name)))
            required = bool(_mapping(located.node).get("required"))
            schema = _schema_at(located, (dict,))
            found[str(name).lower()] = Header(str(name), required, located, schema)
        return found

    @cached_property
    def security(self) -> list[dict[str, Located | None]]:
        """Security alternatives: each maps scheme name -> resolved scheme (``None`` if unknown).

        The operation's ``security``, else its document's; ``[]`` when none is required.
        """
        requirements = self.node.get("security")
        if requirements is None:
            root = self.workspace.document(self.located.file)
            requirements = root.get("security") if isinstance(root, dict) else None
        file = self.located.file
        return [
            {
                name: self.workspace.find_component("securitySchemes", name, file)
                for name in requirement
            }
            for requirement in requirements or []
            if isinstance(requirement, dict)
        ]


def operations_of(workspace: Workspace, root: Path) -> Iterable[Operation]:
    """The operations of one root document, in document order."""
    document = _mapping(workspace.document(root))
    document_servers = document.get("servers")
    for template, raw_item in _mapping(document.get("paths")).items():
        if not isinstance(template, str) or not template.startswith("/"):
            continue
        item = workspace.follow(Located(raw_item, root, ("paths", template)))
        if not isinstance(item.node, dict):
            continue
        item_servers = item.node.get("servers") or document_servers
        for method in HTTP_METHODS:
            if not isinstance(item.node.get(method), dict):
                continue
            # Not in the specification, yet common (DigitalOcean): an operation that is a
            # $ref to a file of its own, read relative to that file.
            try:
                located = workspace.follow(item.child(method))
            except SpecError:
                continue
            raw = located.node
            if isinstance(raw, dict):
                yield Operation(
                    method=method,
                    path=template,
                    located=located,
                    path_item=item,
                    workspace=workspace,
                    servers=list(raw.get("servers") or item_servers or []),
                )


class Document:
    """The root documents of one workspace, read as operations.

    ``name`` is what reports call it: the file or folder it came from, else its title.
    """

    def __init__(self, workspace: Workspace, name: str | None = None) -> None:
        self.workspace = workspace
        self.name = name or _default_name(workspace)

    @classmethod
    def load(cls, paths: Iterable[Path | str], *, convert_swagger2: bool = True) -> Document:
        """The documents found in files and folders (see :meth:`Workspace.load`)."""
        return cls(Workspace.load(paths, convert_swagger2=convert_swagger2))

    @classmethod
    def of(
        cls, document: dict[str, Any], *, name: str | None = None, convert_swagger2: bool = True
    ) -> Document:
        """A document given as data (its refs local, e.g. a bundle)."""
        return cls(Workspace.of(document, convert_swagger2=convert_swagger2), name)

    @classmethod
    def bundled(cls, spec: str | Path | dict[str, Any], *, name: str | None = None) -> Document:
        """One API as one self-contained document, kept as written (Swagger 2.0 too).

        ``spec`` is a parsed document (taken as it is), a document file, or a folder of
        module documents; files and folders are merged by :func:`bundle`.
        """
        if isinstance(spec, dict):
            return cls.of(spec, name=name, convert_swagger2=False)
        path = Path(spec)
        if not path.exists():
            raise SpecError("no such file or folder", file=path)
        document = bundle([path]).document
        if "paths" not in document:
            raise SpecError("not an OpenAPI document (no `paths`)", file=path)
        return cls.of(document, name=name or str(path), convert_swagger2=False)

    @property
    def root(self) -> dict[str, Any]:
        """The content of the first root document."""
        return _mapping(self.workspace.document(self.workspace.roots[0]))

    @property
    def base_path(self) -> str:
        """The path of the first root's first server URL (e.g. ``/peerly``), else ``""``."""
        return server_base_paths(self.root.get("servers"))[0]

    @cached_property
    def operations(self) -> list[Operation]:
        """Every operation of every root document, in document order."""
        return [
            operation
            for root in self.workspace.roots
            for operation in operations_of(self.workspace, root)
        ]

    def resolve(self, node: Any) -> Any:
        """``node`` (a part of the first root) with its ``$ref`` chain followed."""
        return self.workspace.deref(node)

    def properties(self, schema: Any) -> dict[str, Any]:
        """Declared properties of an object schema, merged across ``allOf``, each resolved."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return {}
        found: dict[str, Any] = {}
        for part in schema.get("allOf") or []:
            found.update(self.properties(part))
        for name, value in (schema.get("properties") or {}).items():
            found[name] = self.resolve(value)
        return found


def _default_name(workspace: Workspace) -> str:
    root = workspace.roots[0] if workspace.roots else IN_MEMORY
    if root != IN_MEMORY:
        return str(root)
    info = _mapping(_mapping(workspace.document(root)).get("info"))
    return str(info.get("title", "api"))
