"""Handlers of the gifts module: gifts of access to one path (claimed through ``gifting``)."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.catalogue.gifting import (
    add_gift,
    find_gift,
    remove_gift,
    unclaimed_gifts,
)
from contractkit.impl.blaize.catalogue.models import Gift
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.timeutil import isoformat


def gift_view(gift: Gift) -> dict[str, Any]:
    view = {"id": gift.id, "created": isoformat(gift.created_at), "uri": gift.uri}
    if gift.claimed_at is not None:
        view["claimed"] = isoformat(gift.claimed_at)
        view["cross_device_session"] = gift.cross_device_session
    return view


def list_unclaimed_gifts(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        gifts = unclaimed_gifts(session, caller.tenant_id)
        return [gift_view(gift) for gift in gifts], 200


def create_gift(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        uri = body["uri"]
        refuse_unstorable(uri)
        gift = add_gift(session, caller.tenant_id, uri)
    return {"gift": gift.id}, 200


def delete_gift(ctx: BlaizeContext, giftId: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        remove_gift(session, find_gift(session, caller.tenant_id, giftId))
    return {"message": "Gift deleted successfully"}, 200
