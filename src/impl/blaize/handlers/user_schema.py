"""Handlers of the user_schema module: the fields users' attributes must fit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people import user_schema
from contractkit.impl.blaize.people.models import UserSchemaField


def field_view(field: UserSchemaField) -> dict[str, Any]:
    return {"slug": field.slug, **field.definition}


def list_user_schema_fields(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return [
            field_view(row) for row in user_schema.ordered_fields(session, caller.tenant_id)
        ], 200


def get_user_schema_field(
    ctx: BlaizeContext, slug: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return field_view(user_schema.schema_field(session, caller.tenant_id, slug)), 200


def delete_user_schema_field(
    ctx: BlaizeContext, slug: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        user_schema.delete_field(session, caller.tenant_id, slug)
    return {"message": "Field removed from schema successfully"}, 200


def save_user_schema_field(
    ctx: BlaizeContext, slug: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    definition = {name: value for name, value in body.items() if name != "slug"}
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        created = user_schema.save_field(session, caller.tenant_id, slug, definition)
    uri = ctx.uri(f"/v3/schema/users/{quote(slug, safe='')}")
    if created:
        answer = {"message": "Field added to user schema successfully", "uri": uri}
        return answer, 201, {"Location": uri}
    return {"message": "Field updated in user schema successfully", "uri": uri}, 200
