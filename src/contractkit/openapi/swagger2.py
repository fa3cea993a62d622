"""Swagger 2.0 -> OpenAPI 3.0 shape, so that every later reader sees one shape.

Schemas are kept as they are (their 2.0 dialect - ``x-nullable``, ``type: file``, string
discriminators - is for whoever compiles them to translate); ``$ref`` pointers into
``definitions``/``parameters``/``responses``/``securityDefinitions`` are translated when
they are resolved, by :func:`swagger2_pointer`.
"""

from __future__ import annotations

from typing import Any

from contractkit.openapi.constants import SWAGGER2_METHODS, SWAGGER2_SECTIONS
from contractkit.openapi.pointers import Pointer

_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
)
_COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "tsv": ("form", False),
    "multi": ("form", True),
}
_FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")


def _schema_of(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = {key: parameter[key] for key in _SCHEMA_KEYS if key in parameter}
    if schema.get("type") == "file":
        schema = {"type": "string", "format": "binary"}
    if isinstance(schema.get("items"), dict):
        schema["items"] = (
            _schema_of(schema["items"]) if "$ref" not in schema["items"] else schema["items"]
        )
    return schema


def _convert_parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter or parameter.get("in") in ("body", "formData"):
        return parameter
    converted: dict[str, Any] = {
        key: parameter[key]
        for key in ("name", "in", "description", "required", "allowEmptyValue")
        if key in parameter
    }
    converted["schema"] = _schema_of(parameter)
    fmt = parameter.get("collectionFormat")
    if parameter.get("type") == "array" and fmt in _COLLECTION_STYLES:
        style, explode = _COLLECTION_STYLES[fmt]
        if parameter.get("in") in ("path", "header"):
            style = "simple"
        converted["style"] = style
        converted["explode"] = explode
    return converted


def _convert_response(response: dict[str, Any], produces: list[str]) -> dict[str, Any]:
    if "$ref" in response:
        return response
    converted: dict[str, Any] = {"description": response.get("description", "")}
    examples = response.get("examples") or {}
    if "schema" in response:
        converted["content"] = {}
        for media in produces:
            entry: dict[str, Any] = {"schema": response["schema"]}
            if media in examples:
                entry["example"] = examples[media]
            converted["content"][media] = entry
    if isinstance(response.get("headers"), dict):
        converted["headers"] = {
            name: {"description": header.get("description", ""), "schema": _schema_of(header)}
            for name, header in response["headers"].items()
            if isinstance(header, dict)
        }
    return converted


def _resolve_local(document: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/parameters/"):
        target = (document.get("parameters") or {}).get(ref.rsplit("/", 1)[1])
        if isinstance(target, dict):
            return target
    return parameter


def _request_body(
    parameters: list[dict[str, Any]], consumes: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    body = next((p for p in parameters if p.get("in") == "body"), None)
    form = [p for p in parameters if p.get("in") == "formData"]
    rest = [p for p in parameters if p.get("in") not in ("body", "formData")]
    if body is not None:
        media_types = [m for m in consumes if m not in _FORM_MEDIA] or ["application/json"]
        content = {media: {"schema": body.get("schema", {})} for media in media_types}
        return {"required": bool(body.get("required")), "content": content}, rest
    if form:
        properties = {p["name"]: _schema_of(p) for p in form if "name" in p}
        required = [p["name"] for p in form if p.get("required") and "name" in p]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        has_file = any(p.get("type") == "file" for p in form)
        media_types = [m for m in consumes if m in _FORM_MEDIA]
        if not media_types:
            media_types = [
                "multipart/form-data" if has_file else "application/x-www-form-urlencoded"
            ]
        content = {media: {"schema": schema} for media in media_types}
        return {"required": bool(required), "content": content}, rest
    return None, rest


def _convert_security_scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic"}
    if kind == "oauth2":
        flow_name = {
            "implicit": "implicit",
            "password": "password",
            "application": "clientCredentials",
            "accessCode": "authorizationCode",
        }.get(scheme.get("flow", ""), "implicit")
        flow = {
            key: scheme[key] for key in ("authorizationUrl", "tokenUrl", "scopes") if key in scheme
        }
        flow.setdefault("scopes", {})
        return {"type": "oauth2", "flows": {flow_name: flow}}
    return dict(scheme)


def _convert_operation(
    document: dict[str, Any], operation: dict[str, Any], shared: list[dict[str, Any]]
) -> dict[str, Any]:
    converted = {k: v for k, v in operation.items() if k not in ("parameters", "responses")}
    for key in ("consumes", "produces", "schemes"):
        converted.pop(key, None)
    consumes = operation.get("consumes") or document.get("consumes") or ["application/json"]
    produces = operation.get("produces") or document.get("produces") or ["application/json"]
    own = [_resolve_local(document, p) for p in operation.get("parameters", []) or []]
    names = {(p.get("name"), p.get("in")) for p in own}
    inherited = [p for p in shared if (p.get("name"), p.get("in")) not in names]
    body, rest = _request_body(inherited + own, consumes)
    if rest:
        converted["parameters"] = [_convert_parameter(p) for p in rest]
    if body is not None:
        converted["requestBody"] = body
    converted["responses"] = {
        str(code): _convert_response(response, produces)
        for code, response in (operation.get("responses") or {}).items()
        if isinstance(response, dict)
    }
    return converted


def _servers(document: dict[str, Any]) -> list[dict[str, str]]:
    base_path = document.get("basePath", "") or ""
    host = document.get("host")
    if not host:
        return [{"url": base_path or "/"}]
    schemes = document.get("schemes") or ["https"]
    return [{"url": f"{scheme}://{host}{base_path}"} for scheme in schemes]


def convert_swagger2(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0-shaped equivalent of a Swagger 2.0 document."""
    paths: dict[str, Any] = {}
    for template, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = [_resolve_local(document, p) for p in item.get("parameters", []) or []]
        new_item: dict[str, Any] = {}
        for method in SWAGGER2_METHODS:
            if isinstance(item.get(method), dict):
                new_item[method] = _convert_operation(document, item[method], shared)
        paths[template] = new_item
    produces = document.get("produces") or ["application/json"]
    components = {
        "schemas": document.get("definitions") or {},
        "parameters": {
            name: _convert_parameter(p)
            for name, p in (document.get("parameters") or {}).items()
            if isinstance(p, dict) and p.get("in") not in ("body", "formData")
        },
        "responses": {
            name: _convert_response(r, produces)
            for name, r in (document.get("responses") or {}).items()
            if isinstance(r, dict)
        },
        "securitySchemes": {
            name: _convert_security_scheme(s)
            for name, s in (document.get("securityDefinitions") or {}).items()
            if isinstance(s, dict)
        },
    }
    converted = {
        "openapi": "3.0.3",
        "info": document.get("info", {}),
        "servers": _servers(document),
        "paths": paths,
        "components": components,
    }
    for key in ("security", "tags", "externalDocs"):
        if key in document:
            converted[key] = document[key]
    return converted


def swagger2_pointer(pointer: Pointer) -> Pointer:
    """Where a pointer into a Swagger 2.0 document leads in its converted form."""
    if len(pointer) > 1 and pointer[0] in SWAGGER2_SECTIONS:
        return (*SWAGGER2_SECTIONS[pointer[0]], *pointer[1:])
    return pointer
