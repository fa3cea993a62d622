"""Read-only helpers over a bundled OpenAPI document: operations, local `$ref`s, schemas."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPES = ("application/json",)


def resolve(document: dict[str, Any], node: Any, *, depth: int = 0) -> Any:
    """`node` with its local `$ref` (`#/...`) followed, repeatedly; other nodes unchanged."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 64:
        ref = node["$ref"]
        if not ref.startswith("#"):
            return node
        target: Any = document
        for raw in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            target = target[int(token)] if isinstance(target, list) else target[token]
        node = target
        depth += 1
    return node


@dataclass(frozen=True)
class Operation:
    """One path/method pair of a document, with its (resolved) operation object."""

    path: str
    method: str
    spec: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        """`METHOD /path`, the same label Schemathesis uses."""
        return f"{self.method.upper()} {self.path}"

    @property
    def operation_id(self) -> str | None:
        return self.spec.get("operationId")


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the document, in document order."""
    for path, raw_item in (document.get("paths") or {}).items():
        item = resolve(document, raw_item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield Operation(path=path, method=method, spec=item[method], path_item=item)


def parameters(document: dict[str, Any], operation: Operation) -> list[dict[str, Any]]:
    """Path-level and operation-level parameters, resolved, operation-level ones winning."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*operation.path_item.get("parameters", []), *operation.spec.get("parameters", [])]:
        parameter = resolve(document, raw)
        if isinstance(parameter, dict) and "name" in parameter:
            merged[(parameter.get("in", ""), parameter["name"])] = parameter
    return list(merged.values())


def json_request_schema(document: dict[str, Any], operation: Operation) -> dict[str, Any] | None:
    """The resolved JSON schema of the operation's `application/json` request body, if any."""
    body = resolve(document, operation.spec.get("requestBody"))
    if not isinstance(body, dict):
        return None
    return _json_schema(document, body.get("content") or {})


def json_response_schema(
    document: dict[str, Any], operation: Operation, status: str
) -> dict[str, Any] | None:
    """The resolved JSON schema of one documented response, if it has one."""
    response = resolve(document, (operation.spec.get("responses") or {}).get(status))
    if not isinstance(response, dict):
        return None
    return _json_schema(document, response.get("content") or {})


def success_statuses(operation: Operation) -> list[str]:
    """Documented 2xx status codes, in document order."""
    return [
        str(code) for code in operation.spec.get("responses") or {} if str(code).startswith("2")
    ]


def _json_schema(document: dict[str, Any], content: dict[str, Any]) -> dict[str, Any] | None:
    for media_type, media in content.items():
        base = media_type.split(";")[0].strip().lower()
        if (base in JSON_MEDIA_TYPES or base.endswith("+json")) and isinstance(media, dict):
            schema = resolve(document, media.get("schema"))
            return schema if isinstance(schema, dict) else None
    return None


def properties(document: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    """Declared properties of an object schema, merged across `allOf`, each resolved."""
    if not isinstance(schema, dict):
        return {}
    found: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        found.update(properties(document, resolve(document, part)))
    for name, value in (schema.get("properties") or {}).items():
        found[name] = resolve(document, value)
    return found
