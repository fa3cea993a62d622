"""Turning text (query strings, headers, form fields) into the values a schema expects."""

from __future__ import annotations

import json
import re
from collections.abc import Set as AbstractSet
from typing import Any

from contractkit.mock.document.schemas import CompiledSchema

_INTEGER = re.compile(r"[-+]?\d+\Z")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")


def schema_types(compiled: CompiledSchema | None, node: Any, depth: int = 0) -> set[str]:
    """The JSON types a schema admits (following refs and combinators); empty = any."""
    if compiled is None or depth > 16:
        return set()
    node = compiled.deref(node)
    if not isinstance(node, dict):
        return set()
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    found: set[str] = set()
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key) or []:
            found |= schema_types(compiled, sub, depth + 1)
    if found:
        return found
    if "properties" in node or "additionalProperties" in node:
        return {"object"}
    if "items" in node or "prefixItems" in node:
        return {"array"}
    if "enum" in node and isinstance(node["enum"], list):
        return {_json_type(v) for v in node["enum"]}
    return set()


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "string"


def sub_schema(
    compiled: CompiledSchema | None, node: Any, key: str, name: str | None = None
) -> Any:
    """``items`` (key="items") or one property's schema (key="properties"), through combinators."""
    if compiled is None:
        return None
    node = compiled.deref(node)
    if not isinstance(node, dict):
        return None
    if key == "items" and isinstance(node.get("items"), dict):
        return node["items"]
    if (
        key == "properties"
        and isinstance(node.get("properties"), dict)
        and name in node["properties"]
    ):
        return node["properties"][name]
    if key == "properties" and isinstance(node.get("additionalProperties"), dict):
        return node["additionalProperties"]
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(combinator) or []:
            found = sub_schema(compiled, sub, key, name)
            if found is not None:
                return found
    return None


def coerce_scalar(text: str, types: AbstractSet[str]) -> Any:
    """``text`` as the first of ``types`` it can be; the text itself when none fits."""
    if not types:
        return text
    if "integer" in types and _INTEGER.match(text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null") and "string" not in types:
        return None
    if types & {"object", "array"} and "string" not in types and text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def coerce_value(text: str, compiled: CompiledSchema | None, node: Any) -> Any:
    """``text`` coerced to what the schema at ``node`` expects (scalars only)."""
    return coerce_scalar(text, schema_types(compiled, node))


def coerce_items(values: list[str], compiled: CompiledSchema | None, node: Any) -> list[Any]:
    """A list of texts coerced to the array's item type."""
    items = sub_schema(compiled, node, "items")
    types = schema_types(compiled, items) if items is not None else set()
    return [coerce_scalar(v, types) for v in values]


def coerce_object(
    pairs: dict[str, str], compiled: CompiledSchema | None, node: Any
) -> dict[str, Any]:
    """A map of texts coerced property by property."""
    result: dict[str, Any] = {}
    for name, text in pairs.items():
        prop = sub_schema(compiled, node, "properties", name)
        result[name] = (
            coerce_scalar(text, schema_types(compiled, prop)) if prop is not None else text
        )
    return result
