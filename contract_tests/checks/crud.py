"""CRUD semantics, derived from the document alone, for every family `families.survey` finds.

Each family's walk (see `walk`) creates three items (A, B, C); these checks then prove:

- `crud_create_read`: a read returns what the create stored, for the fields the request set
  (the create answer's value when it echoes one, so servers may normalise input);
- `crud_create_listed`: each created item appears in the collection's list;
- `crud_location`: a `Location` header on a create answer leads to the created item;
- `crud_readonly_ignored`: readOnly fields a client sends are ignored or refused, never stored;
- `crud_update_read`: a PUT, and a PATCH, of B is visible to the next read of B;
- `crud_patch_preserves`: a PATCH of one field keeps every field it was not sent;
- `crud_update_isolation`: updating B leaves A and C as they were;
- `crud_delete_read`: after deleting B, reading B answers 404 (or 410); where the read documents
  neither (nor `4XX`/`default`), any other answer is only noted: gone has no documented status;
- `crud_delete_listed`: after deleting B, the list no longer contains B;
- `crud_delete_isolation`: deleting B leaves A and C readable and unchanged;
- `crud_unknown_update` / `crud_unknown_delete`: an update or delete of an id the server does
  not know (a read of it answered 404) does not succeed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

from contractkit.contract.checks.client import Exchange
from contractkit.contract.checks.ids import LOCATION, key, locate_id
from contractkit.contract.checks.registry import check
from contractkit.contract.checks.steps import (
    check_listed,
    check_unchanged,
    compare,
    if_match,
    patch_change,
    update_body,
)
from contractkit.contract.checks.walk import (
    GONE_STATUSES,
    Created,
    FamilyWalk,
    differences,
)
from contractkit.contract.gone_status import documents_gone
from contractkit.openapi import Operation

CRUD_CHECKS = (
    "crud_create_read",
    "crud_create_listed",
    "crud_update_read",
    "crud_update_isolation",
    "crud_delete_read",
    "crud_delete_listed",
    "crud_delete_isolation",
    "crud_unknown_update",
    "crud_unknown_delete",
    "crud_patch_preserves",
    "crud_location",
    "crud_readonly_ignored",
)
READONLY_SAMPLES = {"string": "ck-client-value", "integer": 987654321, "number": 98765.4321}


@check(10, ("crud_create_read", "a read returns what the create stored"))
def create_read(walk: FamilyWalk) -> None:
    for item in walk.items:
        read = walk.read(item)
        steps = [item.exchange, read]
        if read.status in GONE_STATUSES:
            walk.report("crud_create_read", "Created item cannot be read", steps, "")
        elif read.succeeded:
            compare(walk, "crud_create_read", "Read differs from what create stored", item, read)


@check(20, ("crud_create_listed", "each created item appears in the collection's list"))
def create_listed(walk: FamilyWalk) -> None:
    if walk.family.listing is None:
        walk.skip("crud_create_listed", f"no GET {walk.family.collection_path}")
        return
    check_listed(walk, walk.items, "crud_create_listed", expect_present=True)


@check(30, ("crud_location", "the Location header of a create leads to the created item"))
def location(walk: FamilyWalk) -> None:
    item = walk.items[0]
    where = item.exchange.headers.get("location")
    if not where:
        walk.skip("crud_location", "the create answer has no Location header")
        return
    read = walk.client.get_url(where, walk.family.read.label)
    steps = [item.exchange, read]
    if not read.succeeded:
        walk.report(
            "crud_location",
            "Location of the created item does not resolve",
            steps,
            f"the create answered `Location: {where}`, which answers {read.status}",
        )
        return
    found = _resource_id(walk, read.body)
    if item.pointer != LOCATION and found is not None and key(found) != key(item.id):
        walk.report(
            "crud_location",
            "Location leads to another item",
            steps,
            f"`Location: {where}` answers the item with id {found!r}, created was {item.id!r}",
        )


@check(40, ("crud_readonly_ignored", "readOnly fields sent by a client are never stored"))
def readonly_ignored(walk: FamilyWalk) -> None:
    schema = walk.family.read.json_schema(_first_success(walk.family.read))
    readonly = _readonly_samples(walk, schema)
    if not readonly:
        walk.skip(
            "crud_readonly_ignored", "the read answer documents no readOnly field besides the id"
        )
        return
    body = {**walk.items[0].body, **readonly}
    exchange = walk.client.call(walk.family.create, path=walk.parent_values or None, body=body)
    if not exchange.succeeded:
        return
    located = locate_id(walk.family, exchange)
    if located is None:
        return
    extra = Created(located[0], located[1], body, exchange, walk.resource(exchange.body))
    walk.items.append(extra)
    read = walk.read(extra)
    stored = walk.resource(read.body) if read.succeeded else None
    if isinstance(stored, dict):
        kept = [name for name, value in readonly.items() if stored.get(name) == value]
        if kept:
            walk.report(
                "crud_readonly_ignored",
                "readOnly field sent by the client was stored",
                [exchange, read],
                "the server stored the client's value of readOnly "
                + ", ".join(f"`{name}` ({readonly[name]!r})" for name in kept),
            )
    if walk.family.delete is not None:
        walk.call_item(walk.family.delete, extra.id)
        extra.deleted = True


@check(
    90,
    ("crud_update_read", "a PUT or PATCH is visible to the next read"),
    ("crud_update_isolation", "updating one item leaves the others as they were"),
    ("crud_patch_preserves", "a PATCH keeps every field it was not sent"),
)
def update(walk: FamilyWalk) -> None:
    if not walk.family.updates:
        walk.skip("crud_update_*", f"no PUT or PATCH on {walk.family.item_path}")
        return
    first, target, last = walk.items[:3]
    for operation in walk.family.updates:
        if operation.method == "patch":
            _patch(walk, operation, target, [first, last])
        else:
            _put(walk, operation, target, [first, last])


def _put(walk: FamilyWalk, operation: Operation, target: Created, others: list[Created]) -> None:
    before = {other.id: walk.read(other) for other in others}
    body = update_body(walk, operation, target, others)
    if body is None:
        walk.note(f"no body for {operation.label} differing from the created one")
        return
    answer = walk.call_item(
        operation, target.id, body=body, headers=if_match(walk, operation, target)
    )
    if not answer.succeeded:
        walk.note(f"update checks of {operation.label} skipped, {answer.describe()}")
        return
    updated = Created(target.id, target.pointer, body, answer, walk.resource(answer.body))
    read = walk.read(target)
    compare(
        walk, "crud_update_read", "Update not visible to the next read", updated, read, [answer]
    )
    target.body = {**target.body, **body}
    target.echoed = walk.resource(read.body) if read.succeeded else target.echoed
    for other in others:
        check_unchanged(
            walk,
            "crud_update_isolation",
            "Update changed another item",
            other,
            before[other.id],
            answer,
        )


def _patch(walk: FamilyWalk, operation: Operation, target: Created, others: list[Created]) -> None:
    current = walk.read(target)
    stored = walk.resource(current.body) if current.succeeded else None
    if not isinstance(stored, dict):
        walk.note(f"{operation.label} checks skipped, {current.describe()}")
        return
    change = patch_change(walk, operation, stored)
    if change is None:
        walk.note(f"no one-field body for {operation.label} that changes a stored field")
        return
    before = {other.id: walk.read(other) for other in others}
    answer = walk.call_item(
        operation, target.id, body=change, headers=if_match(walk, operation, target)
    )
    if not answer.succeeded:
        walk.note(f"update checks of {operation.label} skipped, {answer.describe()}")
        return
    read = walk.read(target)
    after = walk.resource(read.body) if read.succeeded else None
    steps = [current, answer, read]
    echoed = walk.resource(answer.body)
    expected = {
        name: (echoed.get(name, value) if isinstance(echoed, dict) else value)
        for name, value in change.items()
    }
    if not read.succeeded:
        walk.report(
            "crud_update_read",
            "Item unreadable after a PATCH",
            steps,
            f"{read.label} answered {read.status}",
        )
        return
    changed = differences(expected, after)
    if changed:
        walk.report(
            "crud_update_read", "PATCH not visible to the next read", steps, "; ".join(changed)
        )
    kept = {
        name: value
        for name, value in stored.items()
        if name in walk.sent_fields and name not in change
    }
    lost = differences(kept, after)
    if lost:
        walk.report(
            "crud_patch_preserves",
            "PATCH changed fields it was not sent",
            steps,
            f"the PATCH sent only {', '.join(f'`{name}`' for name in change)}; " + "; ".join(lost),
        )
    target.body = {**target.body, **change}
    target.echoed = after
    for other in others:
        check_unchanged(
            walk,
            "crud_update_isolation",
            "Update changed another item",
            other,
            before[other.id],
            answer,
        )


@check(
    110,
    ("crud_delete_read", "a deleted item reads as 404 or 410"),
    ("crud_delete_listed", "a deleted item leaves the list"),
    ("crud_delete_isolation", "deleting one item leaves the others as they were"),
)
def delete(walk: FamilyWalk) -> None:
    if walk.family.delete is None:
        walk.skip("crud_delete_*", f"no DELETE on {walk.family.item_path}")
        return
    first, target, last = walk.items[:3]
    others = [item for item in (first, last) if not item.deleted]
    before = {other.id: walk.read(other) for other in others}
    answer = walk.call_item(
        walk.family.delete, target.id, headers=if_match(walk, walk.family.delete, target)
    )
    if not answer.succeeded:
        walk.note(f"delete checks skipped, {answer.describe()}")
        return
    target.deleted = True
    read = walk.read(target)
    if read.status not in GONE_STATUSES and not documents_gone(walk.family.read):
        walk.note(
            f"crud_delete_read not counted: {walk.family.read.label} documents no status for a "
            "missing item (no 404, 410, 4XX or default), so a deleted item cannot read as gone "
            f"without an undocumented one ({read.describe()} after {answer.describe()})"
        )
    elif read.status not in GONE_STATUSES:
        walk.report(
            "crud_delete_read",
            "Deleted item can still be read",
            [target.exchange, answer, read],
            f"expected 404 or 410 after the delete, got {read.status}",
        )
    check_listed(walk, [target], "crud_delete_listed", expect_present=False, after=answer)
    for other in others:
        check_unchanged(
            walk,
            "crud_delete_isolation",
            "Delete changed another item",
            other,
            before[other.id],
            answer,
        )


@check(
    120,
    ("crud_unknown_update", "an update of an unknown id does not succeed"),
    ("crud_unknown_delete", "a delete of an unknown id does not succeed"),
)
def unknown_id(walk: FamilyWalk) -> None:
    known = [item.id for item in walk.items]
    update_op = walk.family.update
    if update_op is not None and walk.enabled("crud_unknown_update"):
        unknown = _unknown_id(walk, known)
        if unknown is not None:
            probe, item_id = unknown
            body = walk.items[0].body if update_op.method == "put" else _any_patch(walk, update_op)
            answer = walk.call_item(update_op, item_id, body=body)
            if answer.succeeded:
                _report_unknown(walk, "crud_unknown_update", "Update", probe, answer)
    if walk.family.delete is not None and walk.enabled("crud_unknown_delete"):
        # Probed afresh: a faulty update may just have created the previous unknown id.
        unknown = _unknown_id(walk, known)
        if unknown is not None:
            probe, item_id = unknown
            answer = walk.call_item(walk.family.delete, item_id)
            if answer.succeeded:
                _report_unknown(walk, "crud_unknown_delete", "Delete", probe, answer)


def _any_patch(walk: FamilyWalk, operation: Operation) -> dict[str, Any]:
    bodies = walk.bodies(operation)
    return bodies[0] if bodies else {}


def _report_unknown(
    walk: FamilyWalk, check_name: str, verb: str, probe: Exchange, attempt: Exchange
) -> None:
    walk.report(
        check_name,
        f"{verb} of an unknown id succeeded",
        [probe, attempt],
        f"{probe.label} answered {probe.status}, then {attempt.describe()}; expected 404",
    )


def _unknown_id(walk: FamilyWalk, known: list[Any]) -> tuple[Exchange, Any] | None:
    for candidate in _unknown_candidates(known, random.Random(walk.seed)):
        probe = walk.read(candidate)
        if probe.status in GONE_STATUSES:
            return probe, candidate
    walk.note("no unknown id found for the 404 checks")
    return None


def _unknown_candidates(known: list[Any], rng: random.Random) -> Iterator[Any]:
    if known and all(isinstance(value, int) and not isinstance(value, bool) for value in known):
        top = max(known)
        yield top + 1_000_003
        yield top + 7
        return
    if known and all(isinstance(value, str) and value.isdigit() for value in known):
        yield str(max(int(value) for value in known) + 1_000_003)
    yield str(uuid.UUID(int=rng.getrandbits(128), version=4))
    yield f"ck-unknown-{rng.getrandbits(48):012x}"


def _resource_id(walk: FamilyWalk, body: Any) -> Any:
    resource = walk.resource(body)
    if not isinstance(resource, dict):
        return None
    for name in walk.family.id_keys:
        if name in resource:
            return resource[name]
    return None


def _first_success(operation: Operation) -> str | None:
    statuses = operation.success_statuses
    return statuses[0] if statuses else None


def _readonly_samples(walk: FamilyWalk, schema: Any) -> dict[str, Any]:
    """A client value for each readOnly field of the resource the id is not part of."""
    document = walk.document
    fields = document.properties(schema)
    if not (fields.keys() & walk.read_fields):
        for value in fields.values():
            inner = document.properties(value)
            if inner.keys() & walk.read_fields:
                fields = inner
                break
    samples: dict[str, Any] = {}
    for name, property_schema in fields.items():
        if not isinstance(property_schema, dict) or not property_schema.get("readOnly"):
            continue
        if name in walk.family.id_keys:
            continue
        kind = property_schema.get("type")
        if property_schema.get("format") == "date-time":
            samples[name] = "2001-02-03T04:05:06Z"
        elif isinstance(kind, str) and kind in READONLY_SAMPLES:
            samples[name] = READONLY_SAMPLES[kind]
    return samples
