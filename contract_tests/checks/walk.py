"""One walk through a family's life, shared by every check of ours.

The walk makes a parent item first for a nested family, creates three items (A, B, C) as the
default identity and hands itself to each enabled check function in turn (see `registry`); the
checks read, list, update and delete those items, and report through `report`. At the end the
walk deletes what is left. Checks that cannot run say why (`skip`), in the family's report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core import NOT_SET

from contractkit.contract.checks.client import CheckClient, Exchange
from contractkit.contract.checks.families import CrudFamily, path_templates
from contractkit.contract.checks.ids import key, locate_id
from contractkit.contract.checks.samples import request_bodies
from contractkit.contract.model import Finding
from contractkit.openapi import Document, Operation

GONE_STATUSES = (404, 410)
REFUSALS = (401, 403, 404)
BODY_SAMPLES = 16
ITEMS = 3


@dataclass
class Created:
    """An item the walk created: its id, where the id was found, the body sent, the answer."""

    id: Any
    pointer: str
    body: dict[str, Any]
    exchange: Exchange
    echoed: Any
    """The resource object in the answer (inside its envelope, e.g. `{"data": {...}}`)."""
    deleted: bool = False

    def expected(self, fields: list[str]) -> dict[str, Any]:
        """What a read should return for `fields`: echoed values first, else what was sent."""
        echoed = self.echoed if isinstance(self.echoed, dict) else {}
        return {name: echoed.get(name, self.body.get(name)) for name in fields}


@dataclass
class FamilyOutcome:
    """What the walk of one family did: findings, notes, checks it could not run and why."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class FamilyWalk:
    """The items of one family and everything the checks need to exercise them."""

    def __init__(
        self,
        document: Document,
        family: CrudFamily,
        client: CheckClient,
        seed: int,
        *,
        excluded: Iterable[str] = (),
        intruders: Iterable[CheckClient] = (),
    ) -> None:
        self.document = document
        self.family = family
        self.client = client
        self.seed = seed
        self.excluded = set(excluded)
        self.intruders = list(intruders)
        self.outcome = FamilyOutcome()
        self.items: list[Created] = []
        self.parent_values: dict[str, Any] = {}
        self._parents: list[tuple[CrudFamily, dict[str, Any]]] = []
        self._bodies: dict[str, list[dict[str, Any]]] = {}
        self.id_missing = False
        sent = set(document.properties(family.create.json_schema()))
        self.sent_fields = sent
        self.read_schemas = _resource_fields(document, family.read, sent)
        self.read_fields = set(self.read_schemas) or sent
        self.retyped: dict[str, str] = {}
        """Fields sent as a JSON type the read does not document for them, and why."""

    # -- life of the walk ------------------------------------------------------------------
    def prepare(self) -> bool:
        """Make the parent chain and the three items; False (with a note) when impossible."""
        if self.family.parent is not None:
            values = self.make_parent(self.family)
            if values is None:
                return False
            self.parent_values = values
        items = self.create_items(ITEMS)
        if items is None:
            return False
        self.items = items
        return True

    def finish(self) -> None:
        """Delete what the walk created, children before parents (best effort); note the
        fields that could not be compared."""
        if self.retyped:
            self.note(
                "fields not compared with what was sent, the read documenting another type: "
                + ", ".join(f"{name} ({why})" for name, why in sorted(self.retyped.items()))
            )
        if self.family.delete is not None:
            for item in self.items:
                if not item.deleted:
                    self.call_item(self.family.delete, item.id)
        for family, values in reversed(self._parents):
            if family.delete is not None:
                self.client.call(family.delete, path=values)

    # -- creating --------------------------------------------------------------------------
    def make_parent(self, family: CrudFamily) -> dict[str, Any] | None:
        """Create the parent chain of a nested family; the path values of its collection."""
        parent = family.parent
        assert parent is not None
        grand: dict[str, Any] = {}
        if parent.parent is not None:
            made = self.make_parent(parent)
            if made is None:
                return None
            grand = made
        for body in self.bodies(parent.create)[:4]:
            exchange = self.client.call(parent.create, path=grand or None, body=body)
            if not exchange.succeeded:
                continue
            located = locate_id(parent, exchange)
            if located is None:
                break
            item_values = {**grand, parent.id_parameter: located[0]}
            self._parents.append((parent, item_values))
            ordered = [item_values[name] for name in path_templates(parent.item_path)]
            return dict(zip(family.parent_parameters, ordered, strict=False))
        self.note(f"no parent item of {parent.item_path} could be created to hold the items")
        return None

    def create_items(self, count: int) -> list[Created] | None:
        bodies = self.bodies(self.family.create)
        items: list[Created] = []
        for body in _most_distinct_first(bodies, self.compared_fields):
            created = self.create(body)
            if created is None:
                if self.id_missing:
                    return None
                continue
            items.append(created)
            if len(items) == count:
                return items
        self.note(
            f"CRUD checks skipped, only {len(items)} of {len(bodies)} generated creates succeeded"
        )
        return None

    def create(self, body: Any, client: CheckClient | None = None) -> Created | None:
        """Create one item; `None` when the create fails or its id cannot be found."""
        exchange = (client or self.client).call(
            self.family.create, path=self.parent_values or None, body=body
        )
        if not exchange.succeeded:
            return None
        located = locate_id(self.family, exchange)
        if located is None:
            self.id_missing = True
            self.note(
                "CRUD checks skipped, the create answer has no id "
                f"(looked at {', '.join(self.family.id_keys)} at the top level, in any "
                "single-object envelope and in the Location header)"
            )
            return None
        item_id, pointer = located
        return Created(item_id, pointer, body, exchange, self.resource(exchange.body))

    def bodies(self, operation: Operation) -> list[dict[str, Any]]:
        """Valid bodies for an operation, drawn once per walk and request schema.

        Operations with the same request schema (a create and its PUT, often) share one draw:
        generating bodies is the costliest part of a walk.
        """
        schema = operation.json_schema()
        cache_key = json.dumps(schema, sort_keys=True, default=str)
        if cache_key not in self._bodies:
            self._bodies[cache_key] = request_bodies(
                self.document,
                operation,
                self.client.api_operation(operation),
                seed=self.seed,
                count=BODY_SAMPLES,
            )
        return self._bodies[cache_key]

    # -- requests --------------------------------------------------------------------------
    def item_values(self, item_id: Any) -> dict[str, Any]:
        return {**self.parent_values, self.family.id_parameter: item_id}

    def call_item(
        self,
        operation: Operation,
        item_id: Any,
        *,
        body: Any = NOT_SET,
        headers: dict[str, str] | None = None,
        client: CheckClient | None = None,
    ) -> Exchange:
        return (client or self.client).call(
            operation, path=self.item_values(item_id), body=body, headers=headers
        )

    def read(self, item: Created | Any, client: CheckClient | None = None) -> Exchange:
        item_id = item.id if isinstance(item, Created) else item
        return self.call_item(self.family.read, item_id, client=client)

    def list_items(
        self, query: dict[str, Any] | None = None, client: CheckClient | None = None
    ) -> Exchange | None:
        """One call of the list operation (`None` when the family has none)."""
        if self.family.listing is None:
            return None
        return (client or self.client).call(
            self.family.listing, path=self.parent_values or None, query=query
        )

    # -- reading answers -------------------------------------------------------------------
    def resource(self, body: Any) -> Any:
        """The resource object of an answer: the body itself or the object in its envelope."""
        if not isinstance(body, dict):
            return body
        known = self.read_fields | set(self.family.id_keys)
        if body.keys() & known:
            return body
        envelopes = sorted(
            (name for name, value in body.items() if isinstance(value, dict)),
            key=lambda name: name not in self.family.envelopes,
        )
        for name in envelopes:
            inner = body[name]
            if inner.keys() & known:
                # JSON:API: the fields are in `attributes`.
                attributes = inner.get("attributes")
                if isinstance(attributes, dict):
                    return {**attributes, "id": inner.get("id")}
                return inner
        return body

    def compared_fields(self, body: dict[str, Any]) -> list[str]:
        """The fields of ``body`` a read can give back as sent: those the read documents,
        except one sent as a JSON type the read documents no value of (a number sent, an
        object read: the API documents a conversion), which is noted instead."""
        compared = []
        for name in sorted(body):
            if name not in self.read_fields:
                continue
            sent, read = json_type(body[name]), declared_types(self.read_schemas.get(name))
            if read and sent not in read and not (sent == "integer" and "number" in read):
                if name not in self.retyped:
                    self.retyped[name] = f"sent as {sent}, read as {' or '.join(sorted(read))}"
                continue
            compared.append(name)
        return compared

    # -- reporting -------------------------------------------------------------------------
    def enabled(self, *checks: str) -> bool:
        return any(name not in self.excluded for name in checks)

    def report(self, check: str, title: str, steps: list[Exchange], detail: str) -> None:
        """A finding: what the API did wrong, and the requests that show it."""
        if check in self.excluded:
            return
        trail = " ; ".join(step.describe() for step in steps)
        message = f"{detail}\n\nRequests: {trail}" if detail else f"Requests: {trail}"
        self.outcome.findings.append(
            Finding(
                document=self.document.name,
                operation=steps[-1].operation,
                check=check,
                title=title,
                message=message,
                curl="\n".join(step.reproduction for step in steps),
                source="crud",
            )
        )

    def note(self, text: str) -> None:
        self.outcome.notes.append(f"{self.family.name}: {text}")

    def skip(self, checks: str, reason: str) -> None:
        self.outcome.skipped.append(f"{checks}: {reason}")

    def alive(self) -> list[Created]:
        return [item for item in self.items if not item.deleted]


def _resource_fields(document: Document, operation: Operation, sent: set[str]) -> dict[str, Any]:
    """The fields of the resource object of an operation's success answer (enveloped or not),
    with their schemas."""
    statuses = operation.success_statuses
    fields = document.properties(operation.json_schema(statuses[0]) if statuses else None)
    if fields.keys() & sent or not fields:
        return fields
    for value in fields.values():
        inner = document.properties(value)
        if inner.keys() & sent:
            return inner
        attributes = document.properties(inner.get("attributes"))
        if attributes.keys() & sent:
            return attributes
    return fields


_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"))


def json_type(value: Any) -> str:
    """The JSON type of a decoded value (``integer`` for whole numbers without a point)."""
    if value is None:
        return "null"
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return "array" if isinstance(value, list) else "object"


def declared_types(schema: Any) -> set[str]:
    """The JSON types a schema's values may have, when it says (``type``, or ``properties`` /
    ``items`` for objects and arrays); empty when it does not (alternatives, no type)."""
    if not isinstance(schema, dict) or "oneOf" in schema or "anyOf" in schema:
        return set()
    kind = schema.get("type")
    if isinstance(kind, str):
        types = {kind}
    elif isinstance(kind, list):
        types = {k for k in kind if isinstance(k, str)}
    elif "properties" in schema or "additionalProperties" in schema:
        types = {"object"}
    elif "items" in schema:
        types = {"array"}
    else:
        return set()
    if schema.get("nullable") is True:
        types.add("null")
    return types


def novelty(body: dict[str, Any], others: list[dict[str, Any]], fields: Any) -> int:
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
        best = max(remaining, key=lambda body: novelty(body, chosen, fields))
        remaining.remove(best)
        chosen.append(best)
        yield best


def differences(expected: dict[str, Any], actual: Any) -> list[str]:
    """`field is X, expected Y` for each field of `expected` that `actual` does not hold."""
    if not isinstance(actual, dict):
        return [f"expected an object, got {json.dumps(actual, default=str)[:200]}"]
    return [
        f"`{name}` is {actual.get(name)!r}, expected {value!r}"
        for name, value in expected.items()
        if actual.get(name) != value
    ]


__all__ = ["Created", "FamilyOutcome", "FamilyWalk", "differences", "key", "novelty"]
