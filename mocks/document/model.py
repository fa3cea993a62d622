"""The operations of a workspace, with their pieces resolved and compiled on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from contractkit.mock.document.documents import (
    DocumentError,
    Located,
    Workspace,
    escape_pointer_token,
)
from contractkit.mock.document.schemas import REQUEST, RESPONSE, CompiledSchema, SchemaCompiler

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SERVER_VARIABLE = re.compile(r"\{([^}]+)\}")


@dataclass(slots=True)
class Parameter:
    """One parameter of an operation."""

    name: str
    location: str
    required: bool
    style: str
    explode: bool
    schema: CompiledSchema | None
    media_type: str | None = None
    """Set for parameters described with ``content`` instead of ``schema``."""
    shape: str = ""
    """``array``, ``object`` or ``scalar`` once known (filled in on first read)."""


@dataclass(slots=True)
class MediaType:
    """One entry of a ``content`` map: its schema (compiled) and examples."""

    name: str
    located: Located
    schema: CompiledSchema | None

    @property
    def node(self) -> dict[str, Any]:
        """The raw media type object."""
        return self.located.node if isinstance(self.located.node, dict) else {}


@dataclass(slots=True)
class ResponseSpec:
    """One documented response (a status code key, ``NXX`` or ``default``)."""

    key: str
    located: Located
    content: dict[str, MediaType]
    headers: dict[str, tuple[bool, CompiledSchema | None, Any]]
    """Header name -> (required, compiled schema, example value or None)."""

    @property
    def node(self) -> dict[str, Any]:
        """The raw response object."""
        return self.located.node if isinstance(self.located.node, dict) else {}


@dataclass(eq=False)
class Operation:
    """One operation (method + path template) of one document."""

    method: str
    template: str
    located: Located
    path_item: Located
    workspace: Workspace
    compiler: SchemaCompiler
    base_paths: list[str] = field(default_factory=list)

    @property
    def node(self) -> dict[str, Any]:
        """The raw operation object."""
        return self.located.node

    @property
    def operation_id(self) -> str:
        """The ``operationId``, or ``METHOD template`` when there is none."""
        return str(self.node.get("operationId") or f"{self.method.upper()} {self.template}")

    @property
    def label(self) -> str:
        """``METHOD /template`` for logs and reports."""
        return f"{self.method.upper()} {self.template}"

    @cached_property
    def extension(self) -> dict[str, Any]:
        """The ``x-mock`` settings of this operation (latency, faults)."""
        value = self.node.get("x-mock")
        return value if isinstance(value, dict) else {}

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Path-item and operation parameters (the operation's win), compiled."""
        merged: dict[tuple[str, str], Parameter] = {}
        for owner in (self.path_item, self.located):
            raw = owner.node.get("parameters") if isinstance(owner.node, dict) else None
            for index, entry in enumerate(raw or []):
                pointer = f"{owner.pointer}/parameters/{index}"
                located = self.workspace.follow(Located(entry, owner.file, pointer))
                parameter = self._parameter(located)
                if parameter is not None:
                    merged[(parameter.name, parameter.location)] = parameter
        return list(merged.values())

    def _parameter(self, located: Located) -> Parameter | None:
        node = located.node
        if not isinstance(node, dict) or "name" not in node or "in" not in node:
            return None
        location = str(node["in"])
        style = node.get("style") or ("form" if location in ("query", "cookie") else "simple")
        explode = node.get("explode", style == "form")
        schema = None
        media_type = None
        if isinstance(node.get("schema"), (dict, bool)):
            schema = self.compiler.compile(
                Located(node["schema"], located.file, f"{located.pointer}/schema"), REQUEST
            )
        elif isinstance(node.get("content"), dict) and node["content"]:
            media_type, media = next(iter(node["content"].items()))
            if isinstance(media, dict) and isinstance(media.get("schema"), (dict, bool)):
                pointer = f"{located.pointer}/content/{escape_pointer_token(media_type)}/schema"
                schema = self.compiler.compile(
                    Located(media["schema"], located.file, pointer), REQUEST
                )
        return Parameter(
            name=str(node["name"]),
            location=location,
            required=bool(node.get("required")) or location == "path",
            style=str(style),
            explode=bool(explode),
            schema=schema,
            media_type=media_type,
        )

    @cached_property
    def request_body(self) -> tuple[bool, dict[str, MediaType]] | None:
        """(required, media types) of the request body, or ``None`` when there is none."""
        raw = self.node.get("requestBody")
        if raw is None:
            return None
        located = self.workspace.follow(
            Located(raw, self.located.file, f"{self.located.pointer}/requestBody")
        )
        if not isinstance(located.node, dict):
            return None
        return bool(located.node.get("required")), self._content(located, REQUEST)

    def _content(self, owner: Located, direction: str) -> dict[str, MediaType]:
        content = owner.node.get("content") if isinstance(owner.node, dict) else None
        result: dict[str, MediaType] = {}
        for name, media in (content or {}).items():
            pointer = f"{owner.pointer}/content/{escape_pointer_token(str(name))}"
            located = Located(media if isinstance(media, dict) else {}, owner.file, pointer)
            schema = None
            if isinstance(located.node.get("schema"), (dict, bool)):
                schema_at = Located(located.node["schema"], owner.file, f"{pointer}/schema")
                schema = self.compiler.compile(schema_at, direction)
            result[str(name).lower()] = MediaType(str(name), located, schema)
        return result

    @cached_property
    def responses(self) -> dict[str, ResponseSpec]:
        """Documented responses by key (``"200"``, ``"4XX"``, ``"default"``)."""
        raw = self.node.get("responses")
        result: dict[str, ResponseSpec] = {}
        for key, entry in (raw or {}).items():
            pointer = f"{self.located.pointer}/responses/{escape_pointer_token(str(key))}"
            try:
                located = self.workspace.follow(Located(entry, self.located.file, pointer))
            except DocumentError:
                continue
            result[str(key).upper() if str(key) != "default" else "default"] = ResponseSpec(
                key=str(key) if str(key) == "default" else str(key).upper(),
                located=located,
                content=self._content(located, RESPONSE),
                headers=self._headers(located),
            )
        return result

    def _headers(self, response: Located) -> dict[str, tuple[bool, CompiledSchema | None, Any]]:
        raw = response.node.get("headers") if isinstance(response.node, dict) else None
        headers: dict[str, tuple[bool, CompiledSchema | None, Any]] = {}
        for name, entry in (raw or {}).items():
            pointer = f"{response.pointer}/headers/{escape_pointer_token(str(name))}"
            located = self.workspace.follow(Located(entry, response.file, pointer))
            node = located.node if isinstance(located.node, dict) else {}
            schema = None
            if isinstance(node.get("schema"), dict):
                schema_at = Located(node["schema"], located.file, f"{located.pointer}/schema")
                schema = self.compiler.compile(schema_at, RESPONSE)
            headers[str(name).lower()] = (bool(node.get("required")), schema, node.get("example"))
        return headers

    @cached_property
    def security(self) -> list[dict[str, Located | None]]:
        """Security alternatives: each maps scheme name -> resolved scheme (``None`` if unknown)."""
        requirements = self.node.get("security")
        if requirements is None:
            root = self.workspace.document(self.located.file)
            requirements = root.get("security") if isinstance(root, dict) else None
        alternatives: list[dict[str, Located | None]] = []
        for requirement in requirements or []:
            if not isinstance(requirement, dict):
                continue
            alternatives.append(
                {
                    name: self.workspace.find_component("securitySchemes", name, self.located.file)
                    for name in requirement
                }
            )
        return alternatives

    @cached_property
    def links(self) -> dict[str, dict[str, Any]]:
        """Links of the 2xx responses, by link name."""
        found: dict[str, dict[str, Any]] = {}
        for key, response in self.responses.items():
            if not key.startswith("2"):
                continue
            for name, link in (response.node.get("links") or {}).items():
                resolved = self.workspace.follow(Located(link, response.located.file, ""))
                if isinstance(resolved.node, dict):
                    found[str(name)] = resolved.node
        return found


def server_base_paths(servers: Any) -> list[str]:
    """The path parts of server URLs (variables replaced by their defaults), no trailing slash."""
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


def collect_operations(workspace: Workspace, compiler: SchemaCompiler) -> list[Operation]:
    """Every operation of every root document, in document order."""
    operations: list[Operation] = []
    for root in workspace.roots:
        document = workspace.document(root)
        document_servers = document.get("servers")
        for template, raw_item in (document.get("paths") or {}).items():
            if not isinstance(template, str) or not template.startswith("/"):
                continue
            pointer = f"/paths/{escape_pointer_token(template)}"
            item = workspace.follow(Located(raw_item, root, pointer))
            if not isinstance(item.node, dict):
                continue
            item_servers = item.node.get("servers") or document_servers
            for method in HTTP_METHODS:
                raw = item.node.get(method)
                if not isinstance(raw, dict):
                    continue
                located = Located(raw, item.file, f"{item.pointer}/{method}")
                servers = raw.get("servers") or item_servers
                operations.append(
                    Operation(
                        method=method,
                        template=template,
                        located=located,
                        path_item=item,
                        workspace=workspace,
                        compiler=compiler,
                        base_paths=server_base_paths(servers),
                    )
                )
    return operations
