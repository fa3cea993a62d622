"""Finding the create/read/update/delete families a document implies.

A family is a collection path `P` with a `POST` (create) and an item path `P/{param}` with a
`GET` (read); a `GET` on `P` (list), a `PUT` or `PATCH` on the item (update) and a `DELETE` on
the item are used when present. The field of the create answer that holds the new id comes from
the create's OpenAPI links when they name it (`$response.body#/id`), otherwise from the item
path parameter's name (`item_id` -> `item_id`, `id`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contractkit.openapi import Document, Operation

_TEMPLATE = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class CrudFamily:
    """The operations of one resource, and where its id lives."""

    collection_path: str
    item_path: str
    id_parameter: str
    id_pointer: str
    create: Operation
    read: Operation
    listing: Operation | None
    update: Operation | None
    delete: Operation | None

    @property
    def name(self) -> str:
        return self.item_path


def discover(document: Document) -> list[CrudFamily]:
    """Every family the document implies, in document order."""
    by_key = {(op.path, op.method): op for op in document.operations}
    families = []
    for (path, method), create in by_key.items():
        if method != "post" or _TEMPLATE.search(path) or not _usable(create):
            continue
        for item_path, id_parameter in _item_paths(path, {key[0] for key in by_key}):
            read = by_key.get((item_path, "get"))
            if read is None or not _usable(read, allowed_path={id_parameter}):
                continue
            pointer = _id_pointer(document, create, item_path, id_parameter)
            if pointer is None:
                continue
            update = by_key.get((item_path, "put")) or by_key.get((item_path, "patch"))
            families.append(
                CrudFamily(
                    collection_path=path,
                    item_path=item_path,
                    id_parameter=id_parameter,
                    id_pointer=pointer,
                    create=create,
                    read=read,
                    listing=_optional(by_key.get((path, "get")), set()),
                    update=_optional(update, {id_parameter}),
                    delete=_optional(by_key.get((item_path, "delete")), {id_parameter}),
                )
            )
    return families


def _item_paths(collection: str, paths: set[str]) -> list[tuple[str, str]]:
    prefix = collection.rstrip("/") + "/"
    found = []
    for path in sorted(paths):
        rest = path[len(prefix) :] if path.startswith(prefix) else ""
        match = _TEMPLATE.fullmatch(rest)
        if match:
            found.append((path, match.group(1)))
    return found


def _usable(operation: Operation, allowed_path: set[str] | None = None) -> bool:
    """Whether the runner can call the operation without inventing other required inputs."""
    for parameter in operation.parameters:
        if not parameter.required:
            continue
        if parameter.location == "path" and parameter.name in (allowed_path or set()):
            continue
        return False
    if operation.method in ("post", "put", "patch"):
        return operation.json_schema() is not None
    return True


def _optional(operation: Operation | None, allowed_path: set[str]) -> Operation | None:
    if operation is None or not _usable(operation, allowed_path):
        return None
    return operation


def _id_pointer(
    document: Document, create: Operation, item_path: str, id_parameter: str
) -> str | None:
    item_ids = {
        op.operation_id for op in document.operations if op.path == item_path and op.operation_id
    }
    for status in create.success_statuses:
        for located in create.responses[status].links.values():
            link = located.node
            if not isinstance(link, dict) or link.get("operationId") not in item_ids:
                continue
            expression = (link.get("parameters") or {}).get(id_parameter)
            if isinstance(expression, str) and expression.startswith("$response.body#"):
                return expression[len("$response.body#") :] or "/"
    for status in create.success_statuses:
        fields = document.properties(create.json_schema(status))
        for candidate in (id_parameter, "id"):
            if candidate in fields:
                return "/" + candidate
    return None
