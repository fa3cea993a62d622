"""The mock's operations: the kernel's model (:mod:`contractkit.openapi.model`) with every
schema compiled (see :mod:`contractkit.mock.document.schemas`) on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from contractkit.mock.document.schemas import REQUEST, RESPONSE, CompiledSchema, SchemaCompiler
from contractkit.openapi import model as kernel
from contractkit.openapi.workspace import Located, Workspace


@dataclass(slots=True)
class Parameter:
    """One parameter of an operation, its schema compiled for requests."""

    spec: kernel.Parameter
    schema: CompiledSchema | None
    shape: str = ""
    """``array``, ``object`` or ``scalar`` once known (filled in on first read)."""
    scalar_types: frozenset[str] | None = None
    """The JSON types a scalar value is read as, once known (filled in on first read)."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def location(self) -> str:
        return self.spec.location

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def style(self) -> str:
        return self.spec.style

    @property
    def explode(self) -> bool:
        return self.spec.explode

    @property
    def media_type(self) -> str | None:
        """Set for parameters described with ``content`` instead of ``schema``."""
        return self.spec.media_type


@dataclass(slots=True)
class MediaType:
    """One entry of a ``content`` map: its schema (compiled) and examples."""

    spec: kernel.MediaType
    schema: CompiledSchema | None
    examples: Any = None
    """Its examples once read and checked (see :mod:`contractkit.mock.document.examples`)."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def located(self) -> Located:
        return self.spec.located

    @property
    def node(self) -> dict[str, Any]:
        """The raw media type object."""
        return self.spec.node


@dataclass(slots=True)
class ResponseSpec:
    """One documented response (a status code key, ``NXX`` or ``default``)."""

    spec: kernel.Response
    content: dict[str, MediaType]
    headers: dict[str, tuple[bool, CompiledSchema | None, Any]]
    """Header name -> (required, compiled schema, example value or None)."""

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def node(self) -> dict[str, Any]:
        """The raw response object."""
        return self.spec.node


@dataclass(eq=False)
class Operation:
    """One operation (method + path template) of one document, as the mock serves it."""

    spec: kernel.Operation
    compiler: SchemaCompiler

    @property
    def method(self) -> str:
        return self.spec.method

    @property
    def template(self) -> str:
        return self.spec.path

    @property
    def label(self) -> str:
        """``METHOD /template`` for logs and reports."""
        return self.spec.label

    @property
    def operation_id(self) -> str:
        """The ``operationId``, or ``METHOD template`` when there is none."""
        return self.spec.operation_id or self.spec.label

    @property
    def base_paths(self) -> list[str]:
        """Where it is served: the path parts of its servers' URLs."""
        return self.spec.base_paths

    @property
    def workspace(self) -> Workspace:
        return self.spec.workspace

    @property
    def security(self) -> list[dict[str, Located | None]]:
        """Security alternatives: each maps scheme name -> resolved scheme (``None`` if unknown)."""
        return self.spec.security

    @cached_property
    def extension(self) -> dict[str, Any]:
        """The ``x-mock`` settings of this operation (latency, faults)."""
        value = self.spec.node.get("x-mock")
        return value if isinstance(value, dict) else {}

    def _compile(self, located: Located | None, direction: str) -> CompiledSchema | None:
        return None if located is None else self.compiler.compile(located, direction)

    def _content(
        self, content: dict[str, kernel.MediaType], direction: str
    ) -> dict[str, MediaType]:
        return {
            key: MediaType(media, self._compile(media.schema, direction))
            for key, media in content.items()
        }

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Path-item and operation parameters (the operation's win), compiled."""
        return [
            Parameter(parameter, self._compile(parameter.schema, REQUEST))
            for parameter in self.spec.parameters
        ]

    @cached_property
    def request_body(self) -> tuple[bool, dict[str, MediaType]] | None:
        """(required, media types) of the request body, or ``None`` when there is none."""
        body = self.spec.request_body
        if body is None:
            return None
        return body.required, self._content(body.content, REQUEST)

    @cached_property
    def responses(self) -> dict[str, ResponseSpec]:
        """Documented responses by key (``"200"``, ``"4XX"``, ``"default"``)."""
        return {
            key: ResponseSpec(
                response,
                self._content(response.content, RESPONSE),
                {
                    name: (header.required, self._compile(header.schema, RESPONSE), header.example)
                    for name, header in response.headers.items()
                },
            )
            for key, response in self.spec.responses.items()
        }

    @cached_property
    def links(self) -> dict[str, dict[str, Any]]:
        """Links of the 2xx responses, by link name."""
        return {
            name: link.node
            for key, response in self.spec.responses.items()
            if key.startswith("2")
            for name, link in response.links.items()
            if isinstance(link.node, dict)
        }


def collect_operations(workspace: Workspace, compiler: SchemaCompiler) -> list[Operation]:
    """Every operation of every root document, in document order."""
    return [Operation(operation, compiler) for operation in kernel.Document(workspace).operations]
