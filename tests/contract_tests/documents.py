"""Pieces of the small OpenAPI 3.0 documents the runner's tests write out."""

from __future__ import annotations

from typing import Any


def strings(*required: str, **optional: dict[str, Any]) -> dict[str, Any]:
    """An object schema: ``required`` string properties, and ``optional`` ones as given."""
    properties = {name: {"type": "string"} for name in required}
    schema: dict[str, Any] = {"type": "object", "properties": {**properties, **optional}}
    if required:
        schema["required"] = list(required)
    return schema


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def json_response(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": json_content(schema)}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": json_content(schema)}


def path_parameter(name: str, schema: dict[str, Any] | None = None, **style: Any) -> dict[str, Any]:
    """A required path parameter (a string unless ``schema`` says otherwise)."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema or {"type": "string"},
        **style,
    }


def document(title: str, paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": title, "version": "1"}, "paths": paths}
