"""Handlers of the static_items module: pieces of content stored by identifier."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from contractkit.impl.blaize.content.models import StaticItem
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.keyed import (
    SaveAnswer,
    keyed_row,
    one_writer_wins,
    save_answer,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.timeutil import utcnow


def item_view(item: StaticItem) -> dict[str, str]:
    return {"id": item.id, "item": item.item}


def list_static_items(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        ids = session.scalars(select(StaticItem.id).where(StaticItem.tenant_id == caller.tenant_id))
        return {"results": [{"id": item_id} for item_id in sorted(ids)]}, 200


def get_static_item(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return item_view(keyed_row(session, StaticItem, caller.tenant_id, id, "Static Item")), 200


def delete_static_item(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        session.delete(keyed_row(session, StaticItem, caller.tenant_id, id, "Static Item"))
    return {"message": "Static Item deleted successfully"}, 200


def save_static_item(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    content = body["item"]
    with one_writer_wins("The static item"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(id, content)
        item = session.get(StaticItem, (caller.tenant_id, id))
        created = item is None
        if item is None:
            item = StaticItem(tenant_id=caller.tenant_id, id=id)
            session.add(item)
        item.item = content
        item.updated_at = utcnow()
        view = item_view(item)
    return save_answer(view, ctx.uri(f"/v3/static/{quote(id, safe='')}"), created)
