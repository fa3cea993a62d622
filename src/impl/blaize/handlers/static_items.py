"""Handlers of the static_items module: pieces of content stored by identifier."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from contractkit.impl.blaize.content.models import StaticItem
from contractkit.impl.blaize.content.static_items import (
    find_static_item,
    remove_static_item,
    static_item_ids,
    store_static_item,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.keyed import SaveAnswer, one_writer_wins, save_answer
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def item_view(item: StaticItem) -> dict[str, str]:
    return {"id": item.id, "item": item.item}


def list_static_items(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        ids = static_item_ids(session, caller.tenant_id)
        return {"results": [{"id": item_id} for item_id in ids]}, 200


def get_static_item(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return item_view(find_static_item(session, caller.tenant_id, id)), 200


def delete_static_item(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        remove_static_item(session, find_static_item(session, caller.tenant_id, id))
    return {"message": "Static Item deleted successfully"}, 200


def save_static_item(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    content = body["item"]
    with one_writer_wins("The static item"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(id, content)
        item, created = store_static_item(session, caller.tenant_id, id, content)
        view = item_view(item)
    return save_answer(view, ctx.uri(f"/v3/static/{quote(id, safe='')}"), created)
