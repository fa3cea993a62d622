"""``examples-valid``: every example validates against the schema it illustrates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT202012

from contractkit.lint_rules.context import ApiContext
from contractkit.lint_rules.findings import Finding
from contractkit.openapi import HTTP_METHODS
from contractkit.openapi.pointers import Pointer, format_pointer

_BUNDLE_URI = "urn:contractkit:bundle"
_MAX_MESSAGE = 300
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLES = ("not", "additionalProperties", "items", "contains", "if", "then", "else")


def _is_uri(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    parts = urlsplit(instance)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _format_checker() -> FormatChecker:
    """The OpenAPI 3.0 formats (date, date-time, email, uuid, ...) plus ``uri``."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checks("uri")(_is_uri)
    return checker


_FORMAT_CHECKER = _format_checker()


def check_examples(ctx: ApiContext) -> list[Finding]:
    """Validate schema-level examples and media type, parameter and header examples."""
    return list(_ExampleChecker(ctx).run())


class _ExampleChecker:
    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        version = str(ctx.document.get("openapi", ""))
        if version.startswith("3.1"):
            self.validator_class: Any = OAS31Validator
            specification = DRAFT202012
        else:
            self.validator_class = OAS30Validator
            specification = DRAFT4
        resource: Resource[Any] = specification.create_resource(ctx.document)
        self.registry: Registry[Any] = Registry().with_resource(_BUNDLE_URI, resource)
        self.validators: dict[Pointer, Any] = {}

    def run(self) -> Iterator[Finding]:
        document = self.ctx.document
        if self.ctx.swagger2:
            yield from self._schemas_in_map(document.get("definitions"), ("definitions",))
            yield from self._each(document.get("parameters"), ("parameters",), self._parameter)
            yield from self._each(document.get("responses"), ("responses",), self._response)
        else:
            components = document.get("components") or {}
            base = ("components",)
            yield from self._schemas_in_map(components.get("schemas"), (*base, "schemas"))
            yield from self._each(
                components.get("parameters"), (*base, "parameters"), self._parameter
            )
            yield from self._each(components.get("headers"), (*base, "headers"), self._parameter)
            yield from self._each(
                components.get("requestBodies"), (*base, "requestBodies"), self._body
            )
            yield from self._each(components.get("responses"), (*base, "responses"), self._response)
        for path, item in (document.get("paths") or {}).items():
            if isinstance(item, dict):
                yield from self._path_item(item, ("paths", path))

    def _each(self, section: Any, pointer: Pointer, visit: Any) -> Iterator[Finding]:
        if isinstance(section, dict):
            for name, node in section.items():
                yield from visit(node, (*pointer, name))

    def _path_item(self, item: dict[str, Any], pointer: Pointer) -> Iterator[Finding]:
        for index, parameter in enumerate(item.get("parameters") or []):
            yield from self._parameter(parameter, (*pointer, "parameters", str(index)))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            here = (*pointer, method)
            for index, parameter in enumerate(operation.get("parameters") or []):
                yield from self._parameter(parameter, (*here, "parameters", str(index)))
            if "requestBody" in operation:
                yield from self._body(operation["requestBody"], (*here, "requestBody"))
            yield from self._each(operation.get("responses"), (*here, "responses"), self._response)

    # -- objects that carry examples -----------------------------------------------

    def _parameter(self, node: Any, pointer: Pointer) -> Iterator[Finding]:
        if not isinstance(node, dict) or "$ref" in node:
            return
        if isinstance(node.get("schema"), dict):
            yield from self._schema(node["schema"], (*pointer, "schema"))
            yield from self._examples_of(node, pointer, (*pointer, "schema"))
        yield from self._content(node.get("content"), (*pointer, "content"))

    def _body(self, node: Any, pointer: Pointer) -> Iterator[Finding]:
        if isinstance(node, dict) and "$ref" not in node:
            yield from self._content(node.get("content"), (*pointer, "content"))

    def _response(self, node: Any, pointer: Pointer) -> Iterator[Finding]:
        if not isinstance(node, dict) or "$ref" in node:
            return
        yield from self._each(node.get("headers"), (*pointer, "headers"), self._parameter)
        if self.ctx.swagger2:
            if isinstance(node.get("schema"), dict):
                schema_pointer = (*pointer, "schema")
                yield from self._schema(node["schema"], schema_pointer)
                for mime, value in (node.get("examples") or {}).items():
                    yield from self._check(value, (*pointer, "examples", mime), schema_pointer)
            return
        yield from self._content(node.get("content"), (*pointer, "content"))

    def _content(self, content: Any, pointer: Pointer) -> Iterator[Finding]:
        if not isinstance(content, dict):
            return
        for media_type, media in content.items():
            here = (*pointer, media_type)
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                yield from self._schema(media["schema"], (*here, "schema"))
                yield from self._examples_of(media, here, (*here, "schema"))

    def _examples_of(
        self, node: dict[str, Any], pointer: Pointer, schema_pointer: Pointer
    ) -> Iterator[Finding]:
        if "example" in node:
            yield from self._check(node["example"], (*pointer, "example"), schema_pointer)
        examples = node.get("examples")
        if not isinstance(examples, dict):
            return
        for name, raw in examples.items():
            example = self.ctx.resolve(raw)
            if isinstance(example, dict) and "value" in example:
                yield from self._check(
                    example["value"], (*pointer, "examples", name), schema_pointer
                )

    # -- schemas -------------------------------------------------------------------

    def _schemas_in_map(self, schemas: Any, pointer: Pointer) -> Iterator[Finding]:
        if isinstance(schemas, dict):
            for name, schema in schemas.items():
                yield from self._schema(schema, (*pointer, name))

    def _schema(self, schema: Any, pointer: Pointer) -> Iterator[Finding]:
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        if "example" in schema:
            yield from self._check(schema["example"], (*pointer, "example"), pointer)
        for key in _SCHEMA_MAPS:
            yield from self._schemas_in_map(schema.get(key), (*pointer, key))
        for key in _SCHEMA_LISTS:
            for index, item in enumerate(schema.get(key) or []):
                yield from self._schema(item, (*pointer, key, str(index)))
        for key in _SCHEMA_SINGLES:
            value = schema.get(key)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from self._schema(item, (*pointer, key, str(index)))
            else:
                yield from self._schema(value, (*pointer, key))

    # -- validation ----------------------------------------------------------------

    def _check(self, value: Any, pointer: Pointer, schema_pointer: Pointer) -> Iterator[Finding]:
        try:
            error = best_match(self._validator(schema_pointer).iter_errors(value))
        except Unresolvable as exc:
            message = f"the example's schema has a $ref that does not resolve: {exc}"
        else:
            if error is None:
                return
            message = _describe(error)
        file, location = self.ctx.locate(pointer)
        yield Finding("error", file, location, "examples-valid", message)

    def _validator(self, schema_pointer: Pointer) -> Any:
        validator = self.validators.get(schema_pointer)
        if validator is None:
            fragment = quote(format_pointer(schema_pointer), safe="/~")
            validator = self.validator_class(
                {"$ref": f"{_BUNDLE_URI}#{fragment}"},
                registry=self.registry,
                format_checker=_FORMAT_CHECKER,
            )
            self.validators[schema_pointer] = validator
        return validator


def _describe(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path)
    at = f" (at /{where})" if where else ""
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return f"the example does not match its schema: {message}{at}"
