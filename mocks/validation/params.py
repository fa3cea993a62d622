"""Reading parameters out of a request according to their ``style`` and ``explode``."""

from __future__ import annotations

import json
from typing import Any

from contractkit.mock.document.model import Parameter
from contractkit.mock.types import MockRequest
from contractkit.mock.validation.coercion import (
    coerce_items,
    coerce_object,
    coerce_scalar,
    schema_types,
)

MISSING = object()
_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _pairs_to_object(parts: list[str]) -> dict[str, str]:
    return dict(zip(parts[0::2], parts[1::2], strict=False))


def _explode_assignments(parts: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in parts:
        name, _, value = part.partition("=")
        result[name] = value
    return result


def _shape(parameter: Parameter) -> str:
    types = schema_types(parameter.schema, parameter.schema.schema if parameter.schema else None)
    if "array" in types:
        return "array"
    if "object" in types and not types & {"string", "integer", "number", "boolean"}:
        return "object"
    return "scalar"


def _from_text(parameter: Parameter, text: str, shape: str, delimiter: str) -> Any:
    compiled = parameter.schema
    node = compiled.schema if compiled else None
    if parameter.media_type is not None:
        try:
            return json.loads(text)
        except ValueError:
            return text
    if shape == "array":
        return coerce_items(text.split(delimiter) if text else [], compiled, node)
    if shape == "object":
        parts = text.split(delimiter) if text else []
        pairs = _explode_assignments(parts) if parameter.explode else _pairs_to_object(parts)
        return coerce_object(pairs, compiled, node)
    types = parameter.scalar_types
    if types is None:
        types = parameter.scalar_types = frozenset(schema_types(compiled, node))
    return coerce_scalar(text, types)


def _read_query(parameter: Parameter, request: MockRequest, shape: str) -> Any:
    compiled = parameter.schema
    node = compiled.schema if compiled else None
    name = parameter.name
    if parameter.style == "deepObject":
        prefix = name + "["
        pairs = {
            key[len(prefix) : -1]: value
            for key, value in request.query
            if key.startswith(prefix) and key.endswith("]")
        }
        return coerce_object(pairs, compiled, node) if pairs else MISSING
    values = [value for key, value in request.query if key == name]
    if shape == "object" and parameter.style == "form" and parameter.explode:
        properties = (compiled.deref(node) or {}).get("properties") if compiled else None
        if isinstance(properties, dict):
            pairs = {k: v for k, v in request.query if k in properties}
            return coerce_object(pairs, compiled, node) if pairs else MISSING
    if not values:
        return MISSING
    if shape == "array" and parameter.style == "form" and parameter.explode:
        return coerce_items(values, compiled, node)
    delimiter = _DELIMITERS.get(parameter.style, ",")
    return _from_text(parameter, values[-1] if shape != "array" else values[0], shape, delimiter)


def _read_path(parameter: Parameter, raw: str, shape: str) -> Any:
    text = raw
    delimiter = ","
    if parameter.style == "label":
        text = raw[1:] if raw.startswith(".") else raw
        delimiter = "." if parameter.explode else ","
    elif parameter.style == "matrix":
        prefix = f";{parameter.name}="
        if parameter.explode and shape == "array":
            return coerce_items(
                [part.partition("=")[2] for part in raw.split(";") if part],
                parameter.schema,
                parameter.schema.schema if parameter.schema else None,
            )
        text = raw[len(prefix) :] if raw.startswith(prefix) else raw.lstrip(";")
        delimiter = ";" if parameter.explode and shape == "object" else ","
    return _from_text(parameter, text, shape, delimiter)


def read_parameter(parameter: Parameter, request: MockRequest, path_params: dict[str, str]) -> Any:
    """The parameter's value, coerced for its schema, or :data:`MISSING`."""
    shape = parameter.shape
    if not shape:
        shape = parameter.shape = _shape(parameter)
    if parameter.location == "path":
        raw = path_params.get(parameter.name)
        return MISSING if raw is None else _read_path(parameter, raw, shape)
    if parameter.location == "query":
        return _read_query(parameter, request, shape)
    if parameter.location == "header":
        text = request.headers.get(parameter.name.lower())
        return MISSING if text is None else _from_text(parameter, text.strip(), shape, ",")
    if parameter.location == "cookie":
        text = request.cookies.get(parameter.name)
        return MISSING if text is None else _from_text(parameter, text, shape, ",")
    return MISSING
