"""Conditional requests: an ETag follows the resource, a stale `If-Match` is refused.

- `etag_changes`: the ETag a read answers changes once the item was updated;
- `if_match_stale`: an update carrying the ETag from before that change answers 412 (when the
  update documents `If-Match` or a 412), instead of overwriting the newer state (lost update).
"""

from __future__ import annotations

from typing import Any

from contractkit.contract.checks.registry import check
from contractkit.contract.checks.steps import patch_change, update_body
from contractkit.contract.checks.walk import Created, FamilyWalk
from contractkit.openapi import Operation

PRECONDITION_FAILED = 412


@check(
    80,
    ("etag_changes", "the ETag of an item changes when the item changes"),
    ("if_match_stale", "an update with a stale If-Match answers 412, never overwrites"),
)
def etags(walk: FamilyWalk) -> None:
    if not walk.family.updates:
        walk.skip("etag_changes, if_match_stale", f"no PUT or PATCH on {walk.family.item_path}")
        return
    item = walk.items[0]
    first = walk.read(item)
    old = first.headers.get("etag")
    if not first.succeeded or not old:
        walk.skip("etag_changes, if_match_stale", f"{walk.family.read.label} answers no ETag")
        return
    operation = _preferred(walk.family.updates)
    body = _change(walk, operation, item, first.body)
    if body is None:
        walk.skip("etag_changes, if_match_stale", f"no body for {operation.label} that changes")
        return
    update = walk.call_item(operation, item.id, body=body, headers={"If-Match": old})
    if not update.succeeded:
        walk.note(f"ETag checks skipped, {update.describe()} with the current ETag")
        return
    item.body = {**item.body, **body}
    second = walk.read(item)
    new = second.headers.get("etag")
    if second.succeeded and new == old:
        walk.report(
            "etag_changes",
            "ETag unchanged after an update",
            [first, update, second],
            f"the ETag is still {old} after the item changed",
        )
        return
    if not _conditional(operation):
        walk.skip("if_match_stale", f"{operation.label} documents neither If-Match nor 412")
        return
    stale_body = _change(walk, operation, item, second.body)
    if stale_body is None:
        return
    stale = walk.call_item(operation, item.id, body=stale_body, headers={"If-Match": old})
    if stale.succeeded:
        item.body = {**item.body, **stale_body}
        walk.report(
            "if_match_stale",
            "Update with a stale If-Match accepted",
            [first, update, stale],
            f"`If-Match: {old}` no longer matches the item (now {new}), yet the update answered "
            f"{stale.status} instead of {PRECONDITION_FAILED}: a lost update",
        )


def _preferred(updates: tuple[Operation, ...]) -> Operation:
    for operation in updates:
        if operation.method == "patch":
            return operation
    return updates[0]


def _change(
    walk: FamilyWalk, operation: Operation, item: Created, answer: Any
) -> dict[str, Any] | None:
    stored = walk.resource(answer)
    if operation.method == "patch":
        return patch_change(walk, operation, stored if isinstance(stored, dict) else {})
    return update_body(walk, operation, item, [])


def _conditional(operation: Operation) -> bool:
    return str(PRECONDITION_FAILED) in operation.responses or any(
        parameter.location == "header" and parameter.name.lower() == "if-match"
        for parameter in operation.parameters
    )
