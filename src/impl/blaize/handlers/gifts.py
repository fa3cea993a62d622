"""Handlers of the gifts module: gifts of access to one path (claimed through ``gifting``)."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.catalogue.gifting import path_key
from contractkit.impl.blaize.catalogue.models import Gift
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import not_found
from contractkit.impl.timeutil import isoformat


def gift_view(gift: Gift) -> dict[str, Any]:
    view = {"id": gift.id, "created": isoformat(gift.created_at), "uri": gift.uri}
    if gift.claimed_at is not None:
        view["claimed"] = isoformat(gift.claimed_at)
        view["cross_device_session"] = gift.cross_device_session
    return view


def list_unclaimed_gifts(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        gifts = tenant_rows(session, Gift, caller.tenant_id, Gift.claimed_at.is_(None))
        return [gift_view(gift) for gift in gifts], 200


def create_gift(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        uri = body["uri"]
        refuse_unstorable(uri)
        gift = Gift(tenant_id=caller.tenant_id, id=new_id(), uri=uri, path_key=path_key(uri))
        session.add(gift)
    return {"gift": gift.id}, 200


def delete_gift(ctx: BlaizeContext, giftId: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        gift = None if contains_nul(giftId) else session.get(Gift, (caller.tenant_id, giftId))
        if gift is None:
            raise not_found("Gift")
        session.delete(gift)
    return {"message": "Gift deleted successfully"}, 200
