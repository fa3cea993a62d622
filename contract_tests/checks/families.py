"""Finding the create/read/update/delete families a document implies.

A family is a collection path `P` with a `POST` (create) and an item path `P/{param}` with a
`GET` (read); a `GET` on `P` (list), `PUT` and `PATCH` on the item (updates, both checked) and a
`DELETE` on the item are used when present. A collection under an item of another family
(`/tasks/{taskId}/comments`) is a nested family: its items are created under a parent item made
first. The id of a created item is looked for, in order, where the create's OpenAPI links say,
then under the names the item parameter implies (`taskId`, `task_id`, `id`) at the top level of
the answer or inside a single-object envelope (`data`, `result`, `item`, `task`, JSON:API's
`data.id`), then in the `Location` header (see `ids.locate_id`).

`survey` also says, for every `POST` on a collection path that makes no family, why not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from contractkit.openapi import Document, Operation

_TEMPLATE = re.compile(r"\{([^}/]+)\}")
# Header parameters the runner fills itself (with the ETag it last read).
_SELF_FILLED_HEADERS = {"if-match", "if-unmodified-since"}


@dataclass(frozen=True)
class CrudFamily:
    """The operations of one resource, and where its id lives."""

    collection_path: str
    item_path: str
    id_parameter: str
    id_keys: tuple[str, ...]
    """Field names that may hold the id, most specific first (`taskId`, `task_id`, `id`)."""
    envelopes: tuple[str, ...]
    """Property names an answer may wrap the resource in (`data`, `result`, `task`, ...)."""
    id_pointers: tuple[str, ...]
    """JSON pointers to the id in the create answer that the document itself states."""
    create: Operation
    read: Operation
    listing: Operation | None
    updates: tuple[Operation, ...]
    delete: Operation | None
    parent: CrudFamily | None = None
    parent_parameters: tuple[str, ...] = ()
    """The path parameters of the collection path, in order, filled from the parent's item."""

    @property
    def name(self) -> str:
        return self.item_path

    @property
    def update(self) -> Operation | None:
        """The first update operation (PUT before PATCH), if any."""
        return self.updates[0] if self.updates else None

    def describe(self) -> str:
        """One line: which operations make the family."""
        parts = [f"create {self.create.label}", f"read {self.read.label}"]
        if self.listing is not None:
            parts.append(f"list {self.listing.label}")
        parts += [f"update {operation.label}" for operation in self.updates]
        if self.delete is not None:
            parts.append(f"delete {self.delete.label}")
        if self.parent is not None:
            parts.append(f"under {self.parent.item_path}")
        return ", ".join(parts)


@dataclass(frozen=True)
class SkippedFamily:
    """A create operation that makes no family, and why."""

    path: str
    reason: str


def discover(document: Document) -> list[CrudFamily]:
    """Every family the document implies, parents before their nested families."""
    return survey(document)[0]


def survey(
    document: Document, sent_headers: Iterable[str] = ()
) -> tuple[list[CrudFamily], list[SkippedFamily]]:
    """The families, and the create operations that make none with the reason;
    ``sent_headers``: the headers every request carries (``-H``, credentials), which fill the
    required header parameters of those names."""
    sent = {name.lower() for name in sent_headers}
    by_key = {(op.path, op.method): op for op in document.operations}
    paths = {key[0] for key in by_key}
    families: list[CrudFamily] = []
    skipped: list[SkippedFamily] = []
    creates = [op for (_, method), op in by_key.items() if method == "post"]
    for create in sorted(creates, key=lambda op: op.path.count("/")):
        path = create.path
        parameters = tuple(_TEMPLATE.findall(path))
        item_paths = _item_paths(path, paths)
        if not item_paths:
            if not path.rstrip("/").endswith("}"):
                skipped.append(SkippedFamily(path, f"no GET {path.rstrip('/')}/{{id}} to read"))
            continue
        missing = _missing_inputs(create, set(parameters), sent)
        if missing:
            skipped.append(SkippedFamily(path, f"{create.label} needs {missing}"))
            continue
        parent = None
        if parameters:
            parent = _parent(path, families)
            if parent is None:
                skipped.append(
                    SkippedFamily(path, f"no family creates the items of {_parent_path(path)}")
                )
                continue
        for item_path, id_parameter in item_paths:
            read = by_key.get((item_path, "get"))
            if read is None:
                skipped.append(SkippedFamily(path, f"no GET {item_path}"))
                continue
            allowed = {*parameters, id_parameter}
            missing = _missing_inputs(read, allowed, sent)
            if missing:
                skipped.append(SkippedFamily(path, f"{read.label} needs {missing}"))
                continue
            keys = _id_keys(id_parameter, path)
            envelopes = _envelopes(id_parameter, path)
            updates = tuple(
                operation
                for method in ("put", "patch")
                if (operation := _optional(by_key.get((item_path, method)), allowed, sent))
                is not None
            )
            families.append(
                CrudFamily(
                    collection_path=path,
                    item_path=item_path,
                    id_parameter=id_parameter,
                    id_keys=keys,
                    envelopes=envelopes,
                    id_pointers=_document_pointers(
                        document, create, item_path, id_parameter, keys, envelopes
                    ),
                    create=create,
                    read=read,
                    listing=_optional(by_key.get((path, "get")), set(parameters), sent),
                    updates=updates,
                    delete=_optional(by_key.get((item_path, "delete")), allowed, sent),
                    parent=parent,
                    parent_parameters=parameters,
                )
            )
    return families, skipped


def path_templates(path: str) -> list[str]:
    """The names of the `{templates}` of a path, in order."""
    return _TEMPLATE.findall(path)


def _shape(path: str) -> str:
    return _TEMPLATE.sub("{}", path.rstrip("/"))


def _parent_path(collection: str) -> str:
    """`/tasks/{taskId}/comments` -> `/tasks/{taskId}`."""
    segments = collection.rstrip("/").split("/")
    while segments and not _TEMPLATE.fullmatch(segments[-1]):
        segments.pop()
    return "/".join(segments)


def _parent(collection: str, families: list[CrudFamily]) -> CrudFamily | None:
    wanted = _shape(_parent_path(collection))
    for family in families:
        if _shape(family.item_path) == wanted:
            return family
    return None


def _item_paths(collection: str, paths: set[str]) -> list[tuple[str, str]]:
    prefix = collection.rstrip("/") + "/"
    found = []
    for path in sorted(paths):
        rest = path[len(prefix) :] if path.startswith(prefix) else ""
        match = _TEMPLATE.fullmatch(rest)
        if match:
            found.append((path, match.group(1)))
    return found


def _missing_inputs(operation: Operation, allowed_path: set[str], sent: set[str]) -> str:
    """What the runner cannot fill for the operation ("" when nothing); ``sent``: lower-case
    names of the headers every request carries."""
    for parameter in operation.parameters:
        if not parameter.required:
            continue
        if parameter.location == "path" and parameter.name in allowed_path:
            continue
        if parameter.location == "header" and (
            parameter.name.lower() in _SELF_FILLED_HEADERS or parameter.name.lower() in sent
        ):
            continue
        return f"the required {parameter.location} parameter `{parameter.name}`"
    if operation.method in ("post", "put", "patch") and operation.json_schema() is None:
        return "a JSON request body schema"
    return ""


def _optional(
    operation: Operation | None, allowed_path: set[str], sent: set[str]
) -> Operation | None:
    if operation is None or _missing_inputs(operation, allowed_path, sent):
        return None
    return operation


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _resource_names(id_parameter: str, collection: str) -> list[str]:
    names = []
    stem = re.sub(r"(_id|Id|ID)$", "", id_parameter)
    if stem and stem != id_parameter:
        names.append(stem)
    segment = collection.rstrip("/").rsplit("/", 1)[-1]
    if segment and not _TEMPLATE.fullmatch(segment):
        names += [_singular(segment), segment]
    return list(dict.fromkeys(names))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _id_keys(id_parameter: str, collection: str) -> tuple[str, ...]:
    keys = [id_parameter, _snake(id_parameter), _camel(id_parameter)]
    for name in _resource_names(id_parameter, collection):
        keys += [f"{name}_id", f"{_camel(name)}Id"]
    keys.append("id")
    return tuple(dict.fromkeys(keys))


def _envelopes(id_parameter: str, collection: str) -> tuple[str, ...]:
    names = ["data", "result", "item", "resource", "object"]
    names += _resource_names(id_parameter, collection)
    return tuple(dict.fromkeys(names))


def _document_pointers(
    document: Document,
    create: Operation,
    item_path: str,
    id_parameter: str,
    keys: tuple[str, ...],
    envelopes: tuple[str, ...],
) -> tuple[str, ...]:
    """Pointers to the id that the create's links or its answer schema state."""
    pointers: list[str] = []
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
                pointers.append(expression[len("$response.body#") :] or "/")
    for status in create.success_statuses:
        fields = document.properties(create.json_schema(status))
        pointers += [f"/{key}" for key in keys if key in fields]
        for envelope in sorted(fields, key=lambda name: name not in envelopes):
            inner = document.properties(fields[envelope])
            pointers += [f"/{envelope}/{key}" for key in keys if key in inner]
    return tuple(dict.fromkeys(pointers))
