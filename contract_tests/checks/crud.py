"""CRUD semantics, derived from the document alone, for every family `families.discover` finds.

For each family the runner creates three items (A, B, C) and then checks:

- `crud_create_read`: a read returns what the create stored, for the fields the request set
  (the create answer's value when it echoes one, so servers may normalise input);
- `crud_create_listed`: each created item appears in the collection's list;
- `crud_update_read`: an update of B is visible to the next read of B;
- `crud_update_isolation`: updating B leaves A and C as they were;
- `crud_delete_read`: after deleting B, reading B answers 404 (or 410);
- `crud_delete_listed`: after deleting B, the list no longer contains B;
- `crud_delete_isolation`: deleting B leaves A and C readable and unchanged;
- `crud_unknown_update` / `crud_unknown_delete`: an update or delete of an id the server does
  not know (a read of it answered 404) does not succeed.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contractkit.contract.checks.client import CheckClient, Exchange
from contractkit.contract.checks.families import CrudFamily, discover
from contractkit.contract.checks.samples import request_bodies
from contractkit.contract.json_paths import extract
from contractkit.contract.model import Finding
from contractkit.openapi import Document, Operation

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
)
GONE_STATUSES = (404, 410)
BODY_SAMPLES = 16


@dataclass
class Created:
    """An item the run created: its id, the body sent, and the answer to the create."""

    id: Any
    body: dict[str, Any]
    exchange: Exchange
    # The resource object in the answer (inside its envelope, e.g. `{"data": {...}}`).
    echoed: Any

    def expected(self, fields: list[str]) -> dict[str, Any]:
        """What a read should return for `fields`: echoed values first, else what was sent."""
        echoed = self.echoed if isinstance(self.echoed, dict) else {}
        return {name: echoed.get(name, self.body.get(name)) for name in fields}


def run_crud_checks(
    document: Document, client: CheckClient, *, seed: int
) -> tuple[list[Finding], list[str]]:
    """Run every CRUD check on every family; returns the findings and notes on what was skipped."""
    findings: list[Finding] = []
    notes: list[str] = []
    for family in discover(document):
        run = FamilyRun(document, family, client, seed)
        run.run()
        findings.extend(run.findings)
        notes.extend(run.notes)
    return findings, notes


class FamilyRun:
    """The CRUD checks of one family, sharing the items they create."""

    def __init__(
        self,
        document: Document,
        family: CrudFamily,
        client: CheckClient,
        seed: int,
    ) -> None:
        self.document_name = document.name
        self.document = document
        self.family = family
        self.client = client
        self.seed = seed
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        sent_fields = set(document.properties(family.create.json_schema()))
        self.read_envelope, self.read_fields = _resource_view(document, family.read, sent_fields)
        self.create_envelope, _ = _resource_view(document, family.create, sent_fields)
        self.update_envelope = ""
        if family.update is not None:
            update_fields = set(document.properties(family.update.json_schema()))
            self.update_envelope, _ = _resource_view(document, family.update, update_fields)

    def run(self) -> None:
        items = self._create_items(3)
        if items is None:
            return
        for item in items:
            self._check_create_read(item)
        self._check_listed(items, "crud_create_listed", expect_present=True)
        first, middle, last = items
        if self.family.update is not None:
            self._check_update(middle, [first, last])
        if self.family.delete is not None:
            self._check_delete(middle, [first, last])
        self._check_unknown_id(items)
        if self.family.delete is not None:
            for item in (first, last):
                self._call_item(self.family.delete, item.id)

    # -- creating --------------------------------------------------------------------------
    def _create_items(self, count: int) -> list[Created] | None:
        api_operation = self.client.api_operation(self.family.create)
        bodies = request_bodies(
            self.document, self.family.create, api_operation, seed=self.seed, count=BODY_SAMPLES
        )
        items: list[Created] = []
        for body in _most_distinct_first(bodies, self._compared_fields):
            exchange = self.client.call(self.family.create, body=body)
            if not exchange.succeeded:
                continue
            try:
                item_id = extract(exchange.body, self.family.id_pointer)
            except KeyError:
                self.notes.append(
                    f"{self.family.name}: CRUD checks skipped, the create answer has no id at "
                    f"{self.family.id_pointer}"
                )
                return None
            echoed = _unwrap(exchange.body, self.create_envelope)
            items.append(Created(item_id, body, exchange, echoed))
            if len(items) == count:
                return items
        self.notes.append(
            f"{self.family.name}: CRUD checks skipped, only {len(items)} of {len(bodies)} "
            f"generated creates succeeded"
        )
        return None

    # -- the checks ------------------------------------------------------------------------
    def _check_create_read(self, item: Created) -> None:
        read = self._call_item(self.family.read, item.id)
        steps = [item.exchange, read]
        if read.status in GONE_STATUSES:
            self._report("crud_create_read", "Created item cannot be read", steps, "")
            return
        if read.succeeded:
            self._compare(
                "crud_create_read", "Read differs from what create stored", item, read, steps
            )

    def _check_update(self, target: Created, others: list[Created]) -> None:
        assert self.family.update is not None
        before = {other.id: self._call_item(self.family.read, other.id) for other in others}
        body = self._update_body(target, others)
        if body is None:
            self.notes.append(f"{self.family.name}: no update body differing from the created one")
            return
        update = self._call_item(self.family.update, target.id, body=body)
        if not update.succeeded:
            self.notes.append(f"{self.family.name}: update checks skipped, {update.describe()}")
            return
        updated = Created(target.id, body, update, _unwrap(update.body, self.update_envelope))
        read = self._call_item(self.family.read, target.id)
        self._compare(
            "crud_update_read", "Update not visible to the next read", updated, read, [update, read]
        )
        for other in others:
            self._check_unchanged(
                "crud_update_isolation",
                "Update changed another item",
                other,
                before[other.id],
                update,
            )

    def _check_delete(self, target: Created, others: list[Created]) -> None:
        assert self.family.delete is not None
        before = {other.id: self._call_item(self.family.read, other.id) for other in others}
        delete = self._call_item(self.family.delete, target.id)
        if not delete.succeeded:
            self.notes.append(f"{self.family.name}: delete checks skipped, {delete.describe()}")
            return
        read = self._call_item(self.family.read, target.id)
        if read.status not in GONE_STATUSES:
            self._report(
                "crud_delete_read",
                "Deleted item can still be read",
                [target.exchange, delete, read],
                f"expected 404 or 410 after the delete, got {read.status}",
            )
        self._check_listed([target], "crud_delete_listed", expect_present=False, after=delete)
        for other in others:
            self._check_unchanged(
                "crud_delete_isolation",
                "Delete changed another item",
                other,
                before[other.id],
                delete,
            )

    def _check_listed(
        self,
        items: list[Created],
        check: str,
        *,
        expect_present: bool,
        after: Exchange | None = None,
    ) -> None:
        if self.family.listing is None:
            return
        listing = self.client.call(self.family.listing, query=self._listing_query())
        if not listing.succeeded:
            return
        listed_ids = set(_ids_in(listing.body, self.family.id_pointer))
        for item in items:
            present = _key(item.id) in listed_ids
            if present == expect_present:
                continue
            steps = [item.exchange, *([after] if after else []), listing]
            if expect_present:
                self._report(
                    check,
                    "Created item missing from the list",
                    steps,
                    f"id {item.id!r} is not in the answer of {listing.label}",
                )
            else:
                self._report(
                    check,
                    "Deleted item still listed",
                    steps,
                    f"id {item.id!r} is still in the answer of {listing.label}",
                )

    def _check_unchanged(
        self, check: str, title: str, item: Created, before: Exchange, cause: Exchange
    ) -> None:
        after = self._call_item(self.family.read, item.id)
        fields = self._compared_fields(item.body)
        if not after.succeeded:
            if before.succeeded:
                self._report(
                    check,
                    title,
                    [item.exchange, cause, after],
                    f"{after.label} answered {after.status} after {cause.label}",
                )
            return
        previous = _unwrap(before.body, self.read_envelope)
        if not before.succeeded or not isinstance(previous, dict):
            return
        current = _unwrap(after.body, self.read_envelope)
        changed = _differences({name: previous.get(name) for name in fields}, current)
        if changed:
            self._report(
                check,
                title,
                [item.exchange, cause, after],
                f"after {cause.label}: " + "; ".join(changed),
            )

    def _check_unknown_id(self, items: list[Created]) -> None:
        known = [item.id for item in items]
        if self.family.update is not None:
            unknown = self._unknown_id(known)
            if unknown is not None:
                probe, item_id = unknown
                update = self._call_item(self.family.update, item_id, body=items[0].body)
                if update.succeeded:
                    self._report_unknown("crud_unknown_update", "Update", probe, update)
        if self.family.delete is not None:
            # Probed afresh: a faulty update may just have created the previous unknown id.
            unknown = self._unknown_id(known)
            if unknown is not None:
                probe, item_id = unknown
                delete = self._call_item(self.family.delete, item_id)
                if delete.succeeded:
                    self._report_unknown("crud_unknown_delete", "Delete", probe, delete)

    def _report_unknown(self, check: str, verb: str, probe: Exchange, attempt: Exchange) -> None:
        self._report(
            check,
            f"{verb} of an unknown id succeeded",
            [probe, attempt],
            f"{probe.label} answered {probe.status}, then {attempt.describe()}; expected 404",
        )

    # -- helpers ---------------------------------------------------------------------------
    def _unknown_id(self, known: list[Any]) -> tuple[Exchange, Any] | None:
        for candidate in _unknown_candidates(known, random.Random(self.seed)):
            probe = self._call_item(self.family.read, candidate)
            if probe.status in GONE_STATUSES:
                return probe, candidate
        self.notes.append(f"{self.family.name}: no unknown id found for the 404 checks")
        return None

    def _update_body(self, target: Created, others: list[Created]) -> dict[str, Any] | None:
        """A valid body differing from every item on as many compared fields as possible."""
        assert self.family.update is not None
        api_operation = self.client.api_operation(self.family.update)
        bodies = request_bodies(
            self.document, self.family.update, api_operation, seed=self.seed + 1, count=BODY_SAMPLES
        )
        existing = [item.body for item in [target, *others]]
        best = max(
            bodies, key=lambda body: _novelty(body, existing, self._compared_fields), default=None
        )
        if best is None or not any(
            best.get(name) != target.body.get(name) for name in self._compared_fields(best)
        ):
            return None
        return best

    def _compare(
        self, check: str, title: str, item: Created, read: Exchange, steps: list[Exchange]
    ) -> None:
        if not read.succeeded:
            self._report(check, title, steps, f"{read.label} answered {read.status}")
            return
        expected = item.expected(self._compared_fields(item.body))
        changed = _differences(expected, _unwrap(read.body, self.read_envelope))
        if changed:
            self._report(check, title, steps, "; ".join(changed))

    def _compared_fields(self, body: dict[str, Any]) -> list[str]:
        return sorted(name for name in body if name in self.read_fields)

    def _call_item(self, operation: Any, item_id: Any, *, body: Any = None) -> Exchange:
        path = {self.family.id_parameter: item_id}
        if body is None:
            return self.client.call(operation, path=path)
        return self.client.call(operation, path=path, body=body)

    def _listing_query(self) -> dict[str, Any] | None:
        """The largest page size the list documents, so pagination hides as little as possible."""
        assert self.family.listing is not None
        for parameter in self.family.listing.parameters:
            schema = parameter.node.get("schema") or {}
            if (
                parameter.location == "query"
                and parameter.name in ("limit", "per_page", "page_size", "pageSize", "size")
                and schema.get("type") == "integer"
                and "maximum" in schema
            ):
                return {parameter.name: schema["maximum"]}
        return None

    def _report(self, check: str, title: str, steps: list[Exchange], detail: str) -> None:
        trail = " ; ".join(step.describe() for step in steps)
        message = f"{detail}\n\nRequests: {trail}" if detail else f"Requests: {trail}"
        self.findings.append(
            Finding(
                document=self.document_name,
                operation=steps[-1].operation,
                check=check,
                title=title,
                message=message,
                curl="\n".join(step.curl for step in steps),
                source="crud",
            )
        )


def _novelty(body: dict[str, Any], others: list[dict[str, Any]], fields: Any) -> int:
    """On how many compared fields `body` sets a non-empty value unlike every body in `others`."""
    return sum(
        body.get(name) not in (None, "", [], {})
        and all(body.get(name) != other.get(name) for other in others)
        for name in fields(body)
    )


def _most_distinct_first(bodies: list[dict[str, Any]], fields: Any) -> Iterator[dict[str, Any]]:
    """The bodies in an order where each differs as much as possible from those before it."""
    remaining = list(bodies)
    chosen: list[dict[str, Any]] = []
    while remaining:
        best = max(remaining, key=lambda body: _novelty(body, chosen, fields))
        remaining.remove(best)
        chosen.append(best)
        yield best


def _resource_view(
    document: Document, operation: Operation, sent_fields: set[str]
) -> tuple[str, set[str]]:
    """Where the resource object sits in the operation's success answer, and its fields.

    Either the answer itself, or one object property of it (an envelope such as `data`) whose
    fields overlap those the client sends.
    """
    statuses = operation.success_statuses
    fields = document.properties(operation.json_schema(statuses[0]) if statuses else None)
    if fields.keys() & sent_fields or not fields:
        return "", set(fields)
    for name, value in fields.items():
        inner = document.properties(value)
        if inner.keys() & sent_fields:
            return "/" + name, set(inner)
    return "", set(fields)


def _unwrap(body: Any, envelope: str) -> Any:
    if not envelope:
        return body
    try:
        return extract(body, envelope)
    except KeyError:
        return body


def _key(value: Any) -> str:
    return str(value)


def _ids_in(node: Any, pointer: str) -> Iterator[str]:
    """Ids of every object in any array of the list answer.

    The id pointer is the create answer's (`/data/id` when it is enveloped); list elements are
    matched on it and on each of its suffixes (`/id`).
    """
    tokens = pointer.strip("/").split("/")
    suffixes = ["/" + "/".join(tokens[start:]) for start in range(len(tokens))]
    if isinstance(node, list):
        for element in node:
            if isinstance(element, dict):
                for suffix in suffixes:
                    with contextlib.suppress(KeyError):
                        yield _key(extract(element, suffix))
            yield from _ids_in(element, pointer)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _ids_in(value, pointer)


def _differences(expected: dict[str, Any], actual: Any) -> list[str]:
    if not isinstance(actual, dict):
        return [f"expected an object, got {actual!r}"]
    return [
        f"`{name}` is {actual.get(name)!r}, expected {value!r}"
        for name, value in expected.items()
        if actual.get(name) != value
    ]


def _unknown_candidates(known: list[Any], rng: random.Random) -> Iterator[Any]:
    if known and all(isinstance(value, int) and not isinstance(value, bool) for value in known):
        top = max(known)
        yield top + 1_000_003
        yield top + 7
        return
    yield str(uuid.UUID(int=rng.getrandbits(128), version=4))
    yield f"ck-unknown-{rng.getrandbits(48):012x}"
