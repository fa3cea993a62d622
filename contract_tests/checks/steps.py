"""Steps several checks share: comparing a read, looking for ids in a list, valid changes."""

from __future__ import annotations

from typing import Any

from contractkit.contract.checks.client import Exchange
from contractkit.contract.checks.ids import ids_in, key
from contractkit.contract.checks.walk import Created, FamilyWalk, differences, novelty
from contractkit.openapi import Operation

PAGE_SIZE_NAMES = ("limit", "per_page", "perPage", "page_size", "pageSize", "size")


def compare(
    walk: FamilyWalk,
    check_name: str,
    title: str,
    item: Created,
    read: Exchange,
    before: list[Exchange] | None = None,
) -> None:
    steps = [*(before or [item.exchange]), read]
    if not read.succeeded:
        walk.report(check_name, title, steps, f"{read.label} answered {read.status}")
        return
    expected = item.expected(walk.compared_fields(item.body))
    changed = differences(expected, walk.resource(read.body))
    if changed:
        walk.report(check_name, title, steps, "; ".join(changed))


def check_listed(
    walk: FamilyWalk,
    items: list[Created],
    check_name: str,
    *,
    expect_present: bool,
    after: Exchange | None = None,
) -> None:
    page = largest_page(walk.family.listing)
    listing = walk.list_items(page)
    if listing is None or not listing.succeeded:
        return
    pointer = items[0].pointer if items else "/id"
    found = list(ids_in(listing.body, walk.family, pointer))
    listed = set(found)
    # A full first page may leave the item to a later one: only a page shorter than its
    # size (or a list that documents no page size) shows that an item is absent.
    full = page is not None and bool(page) and len(found) >= min(page.values())
    for item in items:
        present = key(item.id) in listed
        if present == expect_present:
            continue
        steps = [item.exchange, *([after] if after else []), listing]
        if expect_present and full:
            walk.skip(
                check_name,
                f"id {item.id!r} is not on the first page of {listing.label}, which is full "
                f"({len(found)} items): it may be on a later one",
            )
        elif expect_present:
            walk.report(
                check_name,
                "Created item missing from the list",
                steps,
                f"id {item.id!r} is not in the answer of {listing.label}",
            )
        else:
            walk.report(
                check_name,
                "Deleted item still listed",
                steps,
                f"id {item.id!r} is still in the answer of {listing.label}",
            )


def check_unchanged(
    walk: FamilyWalk, check_name: str, title: str, item: Created, before: Exchange, cause: Exchange
) -> None:
    after = walk.read(item)
    if not after.succeeded:
        if before.succeeded:
            walk.report(
                check_name,
                title,
                [item.exchange, cause, after],
                f"{after.label} answered {after.status} after {cause.label}",
            )
        return
    previous = walk.resource(before.body)
    if not isinstance(previous, dict):
        return
    fields = walk.compared_fields(item.body)
    changed = differences({name: previous.get(name) for name in fields}, walk.resource(after.body))
    if changed:
        walk.report(
            check_name,
            title,
            [item.exchange, cause, after],
            f"after {cause.label}: " + "; ".join(changed),
        )


def largest_page(listing: Operation | None) -> dict[str, Any] | None:
    """The largest page size the list documents, so pagination hides as little as possible."""
    if listing is None:
        return None
    for parameter in listing.parameters:
        schema = parameter.node.get("schema") or {}
        if (
            parameter.location == "query"
            and parameter.name in PAGE_SIZE_NAMES
            and schema.get("type") == "integer"
            and "maximum" in schema
        ):
            return {parameter.name: schema["maximum"]}
    return None


def if_match(walk: FamilyWalk, operation: Operation, item: Created) -> dict[str, str] | None:
    """`If-Match` with the item's current ETag, when the operation documents the header."""
    documented = any(
        parameter.location == "header" and parameter.name.lower() == "if-match"
        for parameter in operation.parameters
    )
    if not documented:
        return None
    etag = walk.read(item).headers.get("etag")
    return {"If-Match": etag} if etag else None


def update_body(
    walk: FamilyWalk, operation: Operation, target: Created, others: list[Created]
) -> dict[str, Any] | None:
    """A valid body differing from every item on as many compared fields as possible."""
    bodies = walk.bodies(operation)
    existing = [item.body for item in [target, *others]]
    best = max(bodies, key=lambda body: novelty(body, existing, walk.compared_fields), default=None)
    if best is None or not any(
        best.get(name) != target.body.get(name) for name in walk.compared_fields(best)
    ):
        return None
    return best


def patch_change(
    walk: FamilyWalk, operation: Operation, stored: dict[str, Any]
) -> dict[str, Any] | None:
    """One field, with a valid value unlike the stored one (a required field first)."""
    for body in walk.bodies(operation):
        for name in walk.compared_fields(body):
            value = body[name]
            if value not in (None, "", [], {}) and value != stored.get(name):
                return {name: value}
    return None
