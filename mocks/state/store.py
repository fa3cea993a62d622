"""``--stateful``: resources created through the mock are remembered, in a state backend.

POST on a collection stores the created resource under a fresh id; GET on the item answers
it (404 when absent; an operation that documents no 404, ``4XX`` or ``default`` answers as
without state, since the mock invents no undocumented status); PUT replaces and PATCH merges;
DELETE removes it; GET on the collection lists what exists (``limit``/``offset`` honoured),
only the resources whose fields equal the query parameters that name them
(``GET /pets?status=sold``; several parameters AND together, repeated values or an array
parameter's items OR together; parameters naming no field, pagination and sorting parameters
are ignored). Bodies keep the shape each response documents: the resource or the list is put
where the schema has it, generated parts around it; required fields the stored resource lacks
are filled in, and fields the schema would reject fall back to generated values. A create whose
body is an array, where the response documents an array alternative, stores one resource per
entry.

What is remembered lives in a :class:`~contractkit.mock.state.backend.StateBackend` (a SQLite
file, Redis, PostgreSQL or the process's memory), in the namespace the request names
(``X-Mock-Namespace``); ids come from the backend's counters, so workers and instances that
share a backend never hand out the same one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from operator import is_
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from contractkit.mock.document.model import MediaType, Operation
from contractkit.mock.document.schemas import CompiledSchema
from contractkit.mock.generation.errors import error_response
from contractkit.mock.generation.generator import flatten_schema, generate_valid
from contractkit.mock.generation.responder import Responder, seeded_rng, wire_media_type
from contractkit.mock.json_codec import to_bytes
from contractkit.mock.negotiation.negotiator import (
    Negotiated,
    Preferences,
    negotiate,
    response_for_status,
)
from contractkit.mock.state.backend import JSONObject, StateBackend, StateBackendError
from contractkit.mock.state.checked_entries import CheckedEntries
from contractkit.mock.state.listing import Listing, Page, query_text
from contractkit.mock.state.resources import (
    COUNT_NAMES,
    Resource,
    array_slot,
    infer_resources,
    json_media,
    list_items_node,
    locate_list,
    object_slot,
)
from contractkit.mock.types import MockRequest, MockResponse, mapping_at
from contractkit.mock.validation.validator import ValidationResult

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HEX_ID = re.compile(r"^(?=.*[a-f])[0-9a-f]{12,}$|^(?=.*[A-F])[0-9A-F]{12,}$")
_HEX_TAIL = re.compile(r"^(.*?)([0-9a-fA-F]{8,})$")
"""Fixed-length hexadecimal ids (MongoDB ObjectIds, hashes): numbered in their last digits."""
_PAGE_SIZE = ("limit", "per_page", "page_size", "pagesize", "size")
_NOT_FILTERS = frozenset(
    (
        *_PAGE_SIZE,
        *("offset", "page", "cursor", "after", "before", "start", "skip", "top"),
        *("sort", "sort_by", "sortby", "order", "order_by", "orderby", "direction", "dir"),
        *("fields", "expand", "include", "q", "search"),
    )
)
_ID_ATTEMPTS = 100
NAMESPACE_HEADER = "x-mock-namespace"
T = TypeVar("T")
NAMESPACE_LIMIT = 200


def namespace_of(headers: dict[str, str]) -> str:
    """The state namespace a request names (``X-Mock-Namespace``; ``""`` when absent)."""
    return headers.get(NAMESPACE_HEADER, "").strip()


def bucket_name(collection: str, parent: tuple[tuple[str, str], ...]) -> str:
    """Where one collection's resources under given parent path values are kept."""
    return f"{collection}?{urlencode(parent)}" if parent else collection


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _put(value: Any, path: tuple[str, ...], inner: Any) -> Any:
    if not path:
        return inner
    if not isinstance(value, dict):
        value = {}
    return {**value, path[0]: _put(value.get(path[0]), path[1:], inner)}


_FLATTENED: dict[int, tuple[CompiledSchema, dict[str, Any]]] = {}
_MEMO_LIMIT = 4096


def _flattened(schema: CompiledSchema) -> dict[str, Any]:
    """``schema``'s root flattened, once per compiled schema (they live as long as the mock)."""
    found = _FLATTENED.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    if len(_FLATTENED) >= _MEMO_LIMIT:
        _FLATTENED.clear()
    flat = flatten_schema(schema, schema.schema)
    _FLATTENED[id(schema)] = (schema, flat)
    return flat


def fit(schema: CompiledSchema, item: dict[str, Any], fallback: Any) -> dict[str, Any]:
    """``item`` made to conform to ``schema`` (an object schema) as far as field swaps allow.

    Required fields it lacks and fields the schema rejects take ``fallback``'s values (a value
    generated for ``schema``), or are dropped; a closed schema drops unknown fields.
    """
    base = fallback if isinstance(fallback, dict) else {}
    flat = _flattened(schema)
    properties = mapping_at(flat, "properties")
    if flat.get("additionalProperties") is False or flat.get("unevaluatedProperties") is False:
        item = {k: v for k, v in item.items() if k in properties}
    if schema.is_valid(item):
        return item
    replaced: set[str] = set()
    for _ in range(8):
        errors = schema.errors(item, limit=50)
        broken = {path.split(".")[0] for path, _ in errors if path}
        if not broken:
            return item
        item = dict(item)
        for name in broken:
            if name in base and name not in replaced:
                item[name] = base[name]
                replaced.add(name)
            else:
                item.pop(name, None)
    return item


def list_filters(
    query: list[tuple[str, str]], parameters: dict[str, Any], is_field: Callable[[str], bool]
) -> dict[str, frozenset[str]]:
    """The query parameters that name a field of the listed resources, with the wanted values.

    ``parameters`` are the validated ones (an array parameter gives its items); ``is_field``
    tells whether the resources have a field of that name (asked once per name). Pagination,
    sorting and Prism's ``__`` parameters never filter.
    """
    filters: dict[str, set[str]] = {}
    fields: dict[str, bool] = {}
    for name, raw in query:
        if name.startswith("__") or name.lower() in _NOT_FILTERS:
            continue
        if name not in fields:
            fields[name] = is_field(name)
        if not fields[name]:
            continue
        value = parameters.get(name, raw)
        values = value if isinstance(value, list) else [value if name in parameters else raw]
        filters.setdefault(name, set()).update(query_text(v) for v in values)
    return {name: frozenset(wanted) for name, wanted in filters.items()}


def _merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return patch
    merged = dict(target)
    for key, value in patch.items():
        merged[key] = _merge_patch(merged.get(key), value) if isinstance(value, dict) else value
    return merged


class StateStore:
    """Resources by (collection template, parent path values), then by id, in a backend."""

    def __init__(
        self, operations: list[Operation], responder: Responder, backend: StateBackend
    ) -> None:
        self.responder = responder
        self.backend = backend
        self.resources = infer_resources(operations)
        self._roles: dict[int, tuple[Resource, str]] = {}
        self._memo: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._checked = CheckedEntries()
        for resource in self.resources:
            for key, role in resource.operations.items():
                self._roles[key] = (resource, role)

    def role_of(self, operation: Operation) -> str | None:
        """What ``operation`` does to a stored resource (``create``, ``list``, ``read``,
        ``replace``, ``update``, ``delete``), or ``None`` when it is not part of one."""
        found = self._roles.get(id(operation))
        return found[1] if found is not None else None

    def reset(self, namespace: str | None = None) -> None:
        """Forget the stored resources of one namespace, or of all when ``None``."""
        self.backend.clear(namespace)

    def handle(
        self,
        operation: Operation,
        request: MockRequest,
        params: dict[str, str],
        validation: ValidationResult,
        accept: str | None,
    ) -> MockResponse | None:
        """The stateful answer, or ``None`` when this operation is not part of a resource."""
        found = self._roles.get(id(operation))
        if found is None:
            return None
        resource, role = found
        negotiated = self._once(
            ("negotiated", id(operation), accept),
            (operation,),
            lambda: negotiate(operation, Preferences(), accept),
        )
        if not isinstance(negotiated, Negotiated):
            return None
        parent = tuple(sorted((k, v) for k, v in params.items() if k != resource.id_param))
        place = (namespace_of(request.headers), bucket_name(resource.collection, parent))
        if role == "create":
            return self._create(resource, operation, negotiated, place, validation, request)
        if role == "list":
            return self._list(resource, operation, negotiated, place, validation, request)
        key = params.get(resource.id_param, "")
        stored: JSONObject | None
        if role == "read":
            stored = self.backend.get(*place, key)
        elif role in ("replace", "update"):
            body = validation.body if isinstance(validation.body, dict) else {}

            conforming: list[JSONObject] = []

            def change(current: JSONObject) -> JSONObject:
                merged = _merge_patch(current, body) if role == "update" else {**current, **body}
                merged[resource.id_field] = current.get(resource.id_field)
                changed = self._conforming(operation, negotiated, resource, merged, current)
                conforming[:] = [changed] if changed is merged else []
                return changed

            stored = self.backend.update(*place, key, change)
            if stored is not None and conforming and stored is conforming[0]:
                return self._answer(operation, negotiated, resource, stored, checked=True)
        else:
            stored = {} if self.backend.delete(*place, key) else None
        if stored is None:
            if response_for_status(operation, 404) is None:
                return None  # answered as documented: the mock invents no undocumented status
            return error_response(
                operation,
                404,
                [],
                accept,
                self.responder.seed,
                message=f"{resource.item} {key!r} does not exist",
            )
        return self._answer(operation, negotiated, resource, stored if role != "delete" else None)

    # -- building answers -----------------------------------------------------------

    def _once(self, key: tuple[Any, ...], keep: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, computed once per ``key``; ``keep`` holds the objects whose ids are in
        ``key`` (so an id is never taken for another object's). Values are never mutated."""
        found = self._memo.get(key)
        if found is not None and all(map(is_, found[0], keep)):  # same key, same length
            return cast(T, found[1])
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        value = make()
        self._memo[key] = (keep, value)
        return value

    def _object_slot(self, schema: CompiledSchema, resource: Resource) -> Any:
        return self._once(
            ("object", id(schema), resource.id_field),
            (schema,),
            lambda: object_slot(schema, resource.id_field),
        )

    def _media(self, negotiated: Negotiated) -> MediaType | None:
        media = negotiated.media
        return media if media is not None and media.schema is not None else None

    def _shell(self, operation: Operation, negotiated: Negotiated, salt: str) -> Any:
        """The generated answer around a resource or list (the same for every request)."""
        media = self._media(negotiated)
        if media is None:
            return None
        return self._once(
            ("shell", id(operation), id(media), negotiated.status, salt),
            (operation, media),
            lambda: self.responder.generate(operation, media, (negotiated.status, salt)),
        )

    def _generated(self, operation: Operation, schema: CompiledSchema, salt: Any) -> Any:
        """A value conforming to a part of a response schema (seeded by ``salt``)."""
        rng = seeded_rng(self.responder.seed, operation.method, operation.template, salt)
        return generate_valid(schema, rng)[0]

    def _fitted(
        self,
        operation: Operation,
        schema: CompiledSchema,
        node: Any,
        item: dict[str, Any],
        around: Any,
        salt: Any,
    ) -> dict[str, Any]:
        """``item`` made to fit the object schema ``node`` (``around``: a value generated there)."""
        part = schema.subschema(node)
        # ``around`` is the same for every request of one salt: it is checked once.
        chosen = self._once(
            ("around", id(operation), id(part), salt),
            (operation, part),
            lambda: self._item_generated(operation, part, around, salt),
        )
        return fit(part, item, chosen)

    def _answer(
        self,
        operation: Operation,
        negotiated: Negotiated,
        resource: Resource,
        item: Any,
        checked: bool = False,
    ) -> MockResponse:
        """The answer around ``item`` (``checked``: it already fits this answer's schema)."""
        media = self._media(negotiated)
        documented = negotiated.response.key if negotiated.response else None
        if media is None or item is None:
            if negotiated.media is None:
                return MockResponse(negotiated.status, {}, b"", documented_as=documented)
            shell = self._shell(operation, negotiated, "empty")
            return self._bytes(negotiated, shell, documented)
        assert media.schema is not None
        slot = self._object_slot(media.schema, resource)
        shell = self._shell(operation, negotiated, "shell")
        if slot is None:
            return self._bytes(negotiated, shell, documented)
        path, node = slot
        fitted = (
            item
            if checked
            else self._fitted(
                operation, media.schema, node, item, _get(shell, path), (negotiated.status, "item")
            )
        )
        return self._bytes(negotiated, _put(shell, path, fitted), documented)

    def _bytes(self, negotiated: Negotiated, value: Any, documented: str | None) -> MockResponse:
        media = negotiated.media
        headers = {"content-type": wire_media_type(media)} if media is not None else {}
        body = to_bytes(value) if media is not None else b""
        return MockResponse(negotiated.status, headers, body, documented_as=documented)

    def _conforming(
        self,
        operation: Operation,
        negotiated: Negotiated,
        resource: Resource,
        item: dict[str, Any],
        fallback: dict[str, Any],
    ) -> dict[str, Any]:
        """``item`` with the fields the response schema rejects replaced by ``fallback``'s."""
        media = self._media(negotiated)
        if media is None or media.schema is None:
            return item
        slot = self._object_slot(media.schema, resource)
        if slot is None:
            return item
        part = media.schema.subschema(slot[1])
        kept = fit(part, item, fallback)
        if kept is item:
            return item  # it conformed as it was
        kept[resource.id_field] = item.get(resource.id_field)
        return kept if part.is_valid(kept) else fit(part, item, {})

    # -- roles ----------------------------------------------------------------------

    def _candidate_id(self, resource: Resource, template: Any, count: int) -> Any:
        """The id numbered ``count``, shaped like ``template`` (a generated id)."""
        if isinstance(template, bool) or not isinstance(template, (int, str)):
            return count
        if isinstance(template, int):
            return count
        if _UUID.match(template):
            rng = seeded_rng(self.responder.seed, resource.collection, count)
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if _HEX_ID.match(template):
            digits = format(count, "08x" if template.islower() or template.isdigit() else "08X")
            return template[: max(len(template) - len(digits), 0)] + digits[-len(template) :]
        numbered = _HEX_TAIL.match(template)
        if numbered is not None:  # a prefix and hex or decimal digits: DG27e5..., user_0042...
            tail = numbered.group(2)
            shape = "08d" if tail.isdigit() else "08X" if tail.isupper() else "08x"
            return numbered.group(1) + tail[:-8] + format(count, shape)[-8:]
        return str(count)

    def _schema_id(self, resource: Resource, part: CompiledSchema, count: int, attempt: int) -> Any:
        """An id generated for the id field's own schema (seeded by the number): for ids no
        numbering of the generated one fits (a pattern, a format). ``None`` if none fits."""
        node = mapping_at(_flattened(part), "properties").get(resource.id_field)
        if not isinstance(node, dict):
            return None
        schema = part.subschema(node)
        rng = seeded_rng(self.responder.seed, resource.collection, "id", count, attempt)
        value, valid = generate_valid(schema, rng, dynamic=True)
        return value if valid and value is not None else None

    def _new_item(
        self,
        resource: Resource,
        part: CompiledSchema,
        generated: dict[str, Any],
        body: Any,
        place: tuple[str, str],
        count: int,
    ) -> dict[str, Any]:
        """Store one created resource: the request's fields over ``generated`` ones (a value
        valid for ``part``), a fresh id numbered from ``count`` (drawn from the counter)."""
        namespace = place[0]
        for attempt in range(_ID_ATTEMPTS):
            item = {**generated, **(body if isinstance(body, dict) else {})}
            template = generated.get(resource.id_field)
            candidate = self._candidate_id(resource, template, count)
            item[resource.id_field] = candidate
            item = fit(part, item, generated)
            if item.get(resource.id_field) != candidate:  # the schema refused the number
                fresh = self._schema_id(resource, part, count, attempt)
                if fresh is not None:
                    candidate = item[resource.id_field] = fresh
            # An id no value of the schema can hold is left out of the answer; the item is
            # still stored under its own number, so that the next create finds a free one.
            kept = item.get(resource.id_field)
            if self.backend.insert(*place, str(candidate if kept is None else kept), item):
                return item
            count = self.backend.next_number(namespace, resource.collection)
        raise StateBackendError(
            f"no free id for a new {resource.item} after {_ID_ATTEMPTS} attempts"
        )

    def _item_generated(
        self, operation: Operation, part: CompiledSchema, candidate: Any, salt: Any
    ) -> dict[str, Any]:
        """``candidate`` when it is an object valid for ``part``, else one generated for it."""
        if isinstance(candidate, dict) and part.is_valid(candidate):
            return candidate
        generated = self._generated(operation, part, salt)
        return generated if isinstance(generated, dict) else {}

    def _create(
        self,
        resource: Resource,
        operation: Operation,
        negotiated: Negotiated,
        place: tuple[str, str],
        validation: ValidationResult,
        request: MockRequest,
    ) -> MockResponse | None:
        media = self._media(negotiated)
        if media is None or media.schema is None:
            return None
        documented = negotiated.response.key if negotiated.response else None
        if isinstance(validation.body, list):
            return self._create_many(resource, operation, negotiated, place, validation.body)
        slot = self._object_slot(media.schema, resource)
        if slot is None:
            return None
        path, node = slot
        # The generated answer and the fields a create does not send are worked out once;
        # each create gets its own id and keeps the fields it sent.
        shell = self._shell(operation, negotiated, "create")
        part = media.schema.subschema(node)
        generated = self._once(
            ("create-item", id(operation), id(part), negotiated.status),
            (operation, part),
            lambda: self._item_generated(operation, part, _get(shell, path), "create-item"),
        )
        count = self.backend.next_number(place[0], resource.collection)
        item = self._new_item(resource, part, generated, validation.body, place, count)
        response = self._bytes(negotiated, _put(shell, path, item), documented)
        if negotiated.response is not None and "location" in negotiated.response.headers:
            response.headers["location"] = (
                request.path.rstrip("/") + "/" + str(item.get(resource.id_field))
            )
        return response

    def _create_many(
        self,
        resource: Resource,
        operation: Operation,
        negotiated: Negotiated,
        place: tuple[str, str],
        bodies: list[Any],
    ) -> MockResponse | None:
        media = self._media(negotiated)
        assert media is not None and media.schema is not None
        node = array_slot(media.schema, resource.id_field)
        if node is None:
            return None
        part = media.schema.subschema(node)
        created = []
        for body in bodies:
            count = self.backend.next_number(place[0], resource.collection)
            generated = self._item_generated(operation, part, None, ("create-item", count))
            created.append(self._new_item(resource, part, generated, body, place, count))
        documented = negotiated.response.key if negotiated.response else None
        return self._bytes(negotiated, created, documented)

    def _all_valid(
        self, schema: CompiledSchema, node: Any, entries: CompiledSchema, found: Page
    ) -> bool:
        """Whether every entry of ``found`` fits the list's entry schema ``node`` (one check
        of the page, or of the entries whose stored text was not found valid before)."""
        if found.texts is None or len(found.texts) != len(found.items):
            return entries.is_valid(found.items)
        entry = schema.subschema(node)
        return self._checked.all_valid(entry, found.items, found.texts)

    def _list(
        self,
        resource: Resource,
        operation: Operation,
        negotiated: Negotiated,
        place: tuple[str, str],
        validation: ValidationResult,
        request: MockRequest,
    ) -> MockResponse | None:
        media = self._media(negotiated)
        if media is None or media.schema is None:
            return None
        schema = media.schema
        path = self._once(("list", id(schema)), (schema,), lambda: locate_list(schema))
        if path is None:
            return None
        node = self._once(
            ("entry", id(schema), path), (schema,), lambda: list_items_node(schema, path)
        )
        shell = self._shell(operation, negotiated, "list")
        counted = self._once(
            ("counted", id(operation), id(media), negotiated.status, path),
            (operation, media),
            lambda: _count_fields(_get(shell, path[:-1]) if path else None),
        )
        properties = self._once(
            ("fields", id(schema), path),
            (schema,),
            lambda: frozenset(mapping_at(flatten_schema(schema, node), "properties")),
        )
        filters = (
            list_filters(
                request.query,
                validation.parameters,
                lambda name: name in properties or self.backend.has_field(*place, name),
            )
            if request.query_string
            else {}
        )
        start, size = _page_window(operation, validation.parameters)
        found = self.backend.page(*place, Listing(filters, start, size, bool(counted)))
        entries = self._once(
            ("entries", id(schema), path),
            (schema,),
            lambda: schema.subschema({"type": "array", "items": node}),
        )
        page: list[Any] = found.items
        if not self._all_valid(schema, node, entries, found):  # entry by entry only if needed
            page = [
                self._fitted(operation, schema, node, item, None, (negotiated.status, "entry"))
                for item in found.items
            ]
        value = _put(shell, path, page)
        container = _get(value, path[:-1]) if path else None
        if isinstance(container, dict) and found.total is not None:
            for name in counted:
                container[name] = found.total
        return self._bytes(
            negotiated, value, negotiated.response.key if negotiated.response else None
        )


__all__ = [
    "NAMESPACE_HEADER",
    "StateStore",
    "bucket_name",
    "fit",
    "json_media",
    "list_filters",
    "namespace_of",
]


_PAGE_NUMBER = ("page", "page_number", "pagenumber")
_LARGEST_POSITION = 2**62


def _count_fields(container: Any) -> tuple[str, ...]:
    """The fields beside a list that count its entries (``total``, ``count``...)."""
    if not isinstance(container, dict):
        return ()
    return tuple(
        name
        for name, value in container.items()
        if name.lower() in COUNT_NAMES and isinstance(value, int) and not isinstance(value, bool)
    )


def _page_window(operation: Operation, values: dict[str, Any]) -> tuple[int, int | None]:
    """Where the requested page starts and how many entries it holds (``None``: all); the
    parameters are named in any case (``pageSize``, ``PageSize``, ``page_size``...)."""
    if values and not all(name.islower() for name in values):
        values = {**{name.lower(): value for name, value in values.items()}, **values}
    offset = values.get("offset")
    size = next((values[n] for n in _PAGE_SIZE if isinstance(values.get(n), int)), None)
    start = offset if isinstance(offset, int) and offset > 0 else 0
    if isinstance(size, int) and start == 0:
        start = _page_start(operation, values, size)
    # A page size below zero holds nothing; engines count in 64 bits.
    start = min(max(start, 0), _LARGEST_POSITION)
    return start, None if size is None else min(max(size, 0), _LARGEST_POSITION)


def _page_start(operation: Operation, values: dict[str, Any], size: int) -> int:
    """Where a page-numbered list starts: pages count from 1 unless the parameter allows 0."""
    for parameter in operation.parameters:
        number = values.get(parameter.name)
        if parameter.location != "query" or parameter.name.lower() not in _PAGE_NUMBER:
            continue
        if isinstance(number, int) and not isinstance(number, bool):
            schema = parameter.spec.schema.node if parameter.spec.schema is not None else {}
            first = 0 if isinstance(schema, dict) and schema.get("minimum") == 0 else 1
            return max(number - first, 0) * size
    return 0
