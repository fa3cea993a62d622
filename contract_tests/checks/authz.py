"""Authorization across identities: what one identity created, another cannot reach.

Items are created by the default identity; each other identity isolated from it (see
`identities`) then tries to reach them. The documented refusal is 401, 403 or 404; any other
answer is a finding, and so is a change the refused request made anyway.

- `authz_read`: another identity reads an item;
- `authz_list`: another identity's list shows the item;
- `authz_update`: another identity updates an item (and the owner's next read shows it);
- `authz_delete`: another identity deletes an item;
- `authz_subresource`: another identity creates or lists items under the owner's parent item.
"""

from __future__ import annotations

from contractkit.contract.checks.client import CheckClient, Exchange
from contractkit.contract.checks.ids import ids_in, key
from contractkit.contract.checks.registry import check
from contractkit.contract.checks.steps import largest_page, patch_change, update_body
from contractkit.contract.checks.walk import GONE_STATUSES, REFUSALS, FamilyWalk, differences

ALL = "authz_read, authz_list, authz_update, authz_delete, authz_subresource"


@check(
    100,
    ("authz_read", "another identity cannot read an item"),
    ("authz_list", "another identity's list does not show an item"),
    ("authz_update", "another identity cannot update an item"),
    ("authz_delete", "another identity cannot delete an item"),
    ("authz_subresource", "another identity cannot create or list items under an item"),
)
def authorization(walk: FamilyWalk) -> None:
    if not walk.intruders:
        walk.skip(ALL, "no second identity isolated from the default one (give --identity twice)")
        return
    for intruder in walk.intruders:
        _read(walk, intruder)
        _list(walk, intruder)
        _update(walk, intruder)
        _delete(walk, intruder)
        _subresource(walk, intruder)


def _refused(exchange: Exchange) -> bool:
    return exchange.status in REFUSALS


def _read(walk: FamilyWalk, intruder: CheckClient) -> None:
    item = walk.items[0]
    read = walk.read(item, client=intruder)
    if not _refused(read):
        walk.report(
            "authz_read",
            "Another identity can read the item",
            [item.exchange, read],
            f"{intruder.identity} read an item {walk.client.identity or 'the default identity'} "
            f"created: {read.status}, expected 401, 403 or 404",
        )


def _list(walk: FamilyWalk, intruder: CheckClient) -> None:
    if walk.family.listing is None or walk.family.parent is not None:
        return
    item = walk.items[0]
    listing = walk.list_items(largest_page(walk.family.listing), client=intruder)
    if listing is None or not listing.succeeded:
        return
    if key(item.id) in set(ids_in(listing.body, walk.family, item.pointer)):
        walk.report(
            "authz_list",
            "Another identity's item in the list",
            [item.exchange, listing],
            f"{intruder.identity}'s list shows id {item.id!r}, created by "
            f"{walk.client.identity or 'the default identity'}",
        )


def _update(walk: FamilyWalk, intruder: CheckClient) -> None:
    if not walk.family.updates:
        return
    item = walk.items[-1] if len(walk.items) < 3 else walk.items[2]
    before = walk.read(item)
    stored = walk.resource(before.body)
    if not before.succeeded or not isinstance(stored, dict):
        return
    for operation in walk.family.updates:
        if operation.method == "patch":
            body = patch_change(walk, operation, stored)
        else:
            body = update_body(walk, operation, item, [])
        if body is None:
            continue
        etag = before.headers.get("etag")
        attempt = walk.call_item(
            operation,
            item.id,
            body=body,
            headers={"If-Match": etag} if etag else None,
            client=intruder,
        )
        after = walk.read(item)
        changed = differences(
            {name: stored.get(name) for name in walk.compared_fields(stored)},
            walk.resource(after.body),
        )
        if not _refused(attempt) or (after.succeeded and changed):
            detail = f"{intruder.identity}'s {attempt.describe()}; expected 401, 403 or 404"
            if changed:
                detail += "; the item changed: " + "; ".join(changed)
            walk.report(
                "authz_update", "Another identity can update the item", [attempt, after], detail
            )
            return


def _delete(walk: FamilyWalk, intruder: CheckClient) -> None:
    if walk.family.delete is None:
        return
    item = walk.items[2] if len(walk.items) > 2 else walk.items[-1]
    if item.deleted:
        return
    attempt = walk.call_item(walk.family.delete, item.id, client=intruder)
    after = walk.read(item)
    gone = after.status in GONE_STATUSES
    if gone:
        item.deleted = True
    if not _refused(attempt) or gone:
        walk.report(
            "authz_delete",
            "Another identity can delete the item",
            [item.exchange, attempt, after],
            f"{intruder.identity}'s {attempt.describe()}, then the owner's {after.describe()}; "
            "expected 401, 403 or 404 and the item kept",
        )


def _subresource(walk: FamilyWalk, intruder: CheckClient) -> None:
    if walk.family.parent is None:
        return
    body = walk.items[0].body
    attempt = intruder.call(walk.family.create, path=walk.parent_values, body=body)
    if not _refused(attempt):
        walk.report(
            "authz_subresource",
            "Another identity can add items under the item",
            [attempt],
            f"{intruder.identity} created under another identity's "
            f"{walk.family.parent.item_path}: {attempt.status}, expected 401, 403 or 404",
        )
        return
    listing = walk.list_items(largest_page(walk.family.listing), client=intruder)
    if listing is None or _refused(listing) or not listing.succeeded:
        return
    shown = set(ids_in(listing.body, walk.family, walk.items[0].pointer))
    leaked = [item.id for item in walk.alive() if key(item.id) in shown]
    if leaked:
        walk.report(
            "authz_subresource",
            "Another identity lists the items under the item",
            [listing],
            f"{intruder.identity}'s list under another identity's "
            f"{walk.family.parent.item_path} shows ids {', '.join(map(repr, leaked))}",
        )
