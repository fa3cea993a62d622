"""Finding CRUD resources in a document, with no configuration.

A *collection* is a path template with a POST (create) and/or GET (list); its *item* is the
same template plus one trailing placeholder (``/pets`` -> ``/pets/{petId}``). The id field
of the stored resources comes from the create operation's links
(``$response.body#/data/id``), else from the item's response schemas (a property named like
the placeholder, or ``id``). Where the resource or the list sits inside a response
(``{"data": {...}}``, ``{"items": [...], "total": 3}``) is read off each response schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from contractkit.mock.document.model import MediaType, Operation
from contractkit.mock.document.schemas import CompiledSchema
from contractkit.mock.generation.generator import flatten_schema
from contractkit.mock.routing.router import split_path
from contractkit.mock.validation.bodies import is_json_media

ROLES = {
    ("post", "collection"): "create",
    ("get", "collection"): "list",
    ("get", "item"): "read",
    ("put", "item"): "replace",
    ("patch", "item"): "update",
    ("delete", "item"): "delete",
}
_TRAILING_PLACEHOLDER = re.compile(r"^\{([^{}/]+)\}$")
_LIST_NAMES = (
    "data",
    "items",
    "results",
    "content",
    "records",
    "list",
    "values",
    "entries",
    "elements",
)
COUNT_NAMES = (
    "total",
    "count",
    "total_count",
    "totalcount",
    "total_items",
    "totalitems",
    "totalelements",
)


@dataclass
class Resource:
    """One CRUD resource: its two templates and how its id is named."""

    collection: str
    item: str
    id_param: str
    id_field: str = "id"
    operations: dict[int, str] = field(default_factory=dict)
    """``id(operation)`` -> role (create, list, read, replace, update, delete)."""


def json_media(operation: Operation, prefix: str = "2") -> tuple[str, MediaType] | None:
    """The lowest ``prefix``xx response's JSON media type, with its status key."""
    for key in sorted(operation.responses):
        if not key.startswith(prefix):
            continue
        for name, media in operation.responses[key].content.items():
            if is_json_media(name.split(";", 1)[0]) and media.schema is not None:
                return key, media
    return None


def _properties(compiled: CompiledSchema, node: object) -> dict[str, object]:
    flat = flatten_schema(compiled, node)
    properties = flat.get("properties")
    return properties if isinstance(properties, dict) else {}


def _alternatives(compiled: CompiledSchema, node: object) -> list[object]:
    """``node`` itself, then the branches of its ``oneOf``/``anyOf``."""
    flat = flatten_schema(compiled, node)
    branches = flat.get("oneOf") or flat.get("anyOf") or []
    return [node, *(branches if isinstance(branches, list) else [])]


def object_slot(compiled: CompiledSchema, id_field: str) -> tuple[tuple[str, ...], object] | None:
    """Where an object holding ``id_field`` sits in a response, and its schema node.

    The root, a property of the root, or the same within one of the root's alternatives.
    """
    for candidate in _alternatives(compiled, compiled.schema):
        properties = _properties(compiled, candidate)
        if id_field in properties:
            return (), candidate
        for name, sub in properties.items():
            if id_field in _properties(compiled, sub):
                return (name,), sub
    return None


def locate_object(compiled: CompiledSchema, id_field: str) -> tuple[str, ...] | None:
    """Where an object holding ``id_field`` sits in a response (``()`` = the root)."""
    slot = object_slot(compiled, id_field)
    return slot[0] if slot is not None else None


def array_slot(compiled: CompiledSchema, id_field: str) -> object | None:
    """The item schema of an array alternative of the root whose items hold ``id_field``
    (bulk creation answered with one entry per created resource)."""
    for candidate in _alternatives(compiled, compiled.schema)[1:]:
        flat = flatten_schema(compiled, candidate)
        items = flat.get("items")
        if (flat.get("type") == "array" or items is not None) and id_field in _properties(
            compiled, items
        ):
            return items
    return None


def node_at(compiled: CompiledSchema, path: tuple[str, ...]) -> object:
    """The schema node of the value at ``path`` (property names from the root)."""
    node: object = compiled.schema
    for part in path:
        node = _properties(compiled, node).get(part, {})
    return node


def list_items_node(compiled: CompiledSchema, path: tuple[str, ...]) -> object:
    """The schema of one entry of the array at ``path``."""
    return flatten_schema(compiled, node_at(compiled, path)).get("items", {})


def locate_list(compiled: CompiledSchema) -> tuple[str, ...] | None:
    """Where the array of resources sits in a list response (``()`` = the root)."""
    root = flatten_schema(compiled, compiled.schema)
    if root.get("type") == "array" or "items" in root:
        return ()
    properties = _properties(compiled, root)
    arrays = [
        name
        for name, sub in properties.items()
        if (flat := flatten_schema(compiled, sub)).get("type") == "array" or "items" in flat
    ]
    for preferred in _LIST_NAMES:
        if preferred in arrays:
            return (preferred,)
    return (arrays[0],) if arrays else None


def _id_from_links(create: Operation, id_param: str) -> tuple[tuple[str, ...], str] | None:
    for link in create.links.values():
        parameters = link.get("parameters")
        if not isinstance(parameters, dict):
            continue
        for name, expression in parameters.items():
            if (
                isinstance(expression, str)
                and expression.startswith("$response.body#/")
                and name == id_param
            ):
                parts = tuple(expression[len("$response.body#/") :].split("/"))
                return parts[:-1], parts[-1]
    return None


def _id_from_schema(operation: Operation, id_param: str) -> str | None:
    found = json_media(operation)
    if found is None or found[1].schema is None:
        return None
    compiled = found[1].schema
    candidates = [id_param, "id", "_id", "uuid"]
    lowered = id_param.lower().replace("_", "")
    for path_guess in ((), *[(n,) for n in _properties(compiled, compiled.schema)]):
        node = compiled.schema
        for part in path_guess:
            node = _properties(compiled, node).get(part, {})
        properties = _properties(compiled, node)
        for candidate in candidates:
            if candidate in properties:
                return candidate
        for name in properties:
            if name.lower().replace("_", "") == lowered:
                return name
    return None


def infer_resources(operations: list[Operation]) -> list[Resource]:
    """Every collection/item pair of the operations, with its id field."""
    by_template: dict[str, list[Operation]] = {}
    for operation in operations:
        by_template.setdefault("/" + "/".join(split_path(operation.template)), []).append(operation)
    resources: list[Resource] = []
    for template, item_ops in by_template.items():
        segments = split_path(template)
        if not segments:
            continue
        placeholder = _TRAILING_PLACEHOLDER.match(segments[-1])
        collection = "/" + "/".join(segments[:-1])
        if placeholder is None or collection not in by_template:
            continue
        collection_ops = by_template[collection]
        if not any(op.method in ("post", "get") for op in collection_ops):
            continue
        resource = Resource(collection=collection, item=template, id_param=placeholder.group(1))
        for operation in collection_ops:
            role = ROLES.get((operation.method, "collection"))
            if role:
                resource.operations[id(operation)] = role
        for operation in item_ops:
            role = ROLES.get((operation.method, "item"))
            if role:
                resource.operations[id(operation)] = role
        resource.id_field = _infer_id_field(resource, collection_ops, item_ops)
        resources.append(resource)
    return resources


def _infer_id_field(
    resource: Resource, collection_ops: list[Operation], item_ops: list[Operation]
) -> str:
    for operation in collection_ops:
        if operation.method == "post":
            linked = _id_from_links(operation, resource.id_param)
            if linked is not None:
                return linked[1]
    for operation in [*item_ops, *collection_ops]:
        if operation.method in ("get", "post", "put", "patch"):
            found = _id_from_schema(operation, resource.id_param)
            if found is not None:
                return found
    return "id"
