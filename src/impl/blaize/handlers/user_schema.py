"""Handlers of the user_schema module: the fields users' attributes must fit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.attributes import InvalidField, check_field_definition
from contractkit.impl.blaize.people.models import UserSchemaField
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import ApiError, not_found


def field_view(field: UserSchemaField) -> dict[str, Any]:
    return {"slug": field.slug, **field.definition}


def schema_fields(session: Session, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Every field of the tenant's User Schema, by slug."""
    rows = session.scalars(select(UserSchemaField).where(UserSchemaField.tenant_id == tenant_id))
    return {row.slug: dict(row.definition) for row in rows}


def list_user_schema_fields(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        rows = session.scalars(
            select(UserSchemaField)
            .where(UserSchemaField.tenant_id == caller.tenant_id)
            .order_by(UserSchemaField.slug)
        )
        return [field_view(row) for row in rows], 200


def _field(session: Session, tenant_id: str, slug: str) -> UserSchemaField:
    row = None if contains_nul(slug) else session.get(UserSchemaField, (tenant_id, slug))
    if row is None:
        raise not_found("User Schema field")
    return row


def get_user_schema_field(
    ctx: BlaizeContext, slug: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return field_view(_field(session, caller.tenant_id, slug)), 200


def delete_user_schema_field(
    ctx: BlaizeContext, slug: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        session.delete(_field(session, caller.tenant_id, slug))
    return {"message": "Field removed from schema successfully"}, 200


def save_user_schema_field(
    ctx: BlaizeContext, slug: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    definition = {name: value for name, value in body.items() if name != "slug"}
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(slug)
        try:
            check_field_definition(definition)
        except InvalidField as exc:
            raise ApiError(409, "conflict", str(exc)) from exc
        row = session.get(UserSchemaField, (caller.tenant_id, slug))
        status = 200
        if row is None:
            row = UserSchemaField(tenant_id=caller.tenant_id, slug=slug)
            session.add(row)
            status = 201
        row.definition = definition
    uri = ctx.uri(f"/v3/schema/users/{quote(slug, safe='')}")
    if status == 201:
        answer = {"message": "Field added to user schema successfully", "uri": uri}
        return answer, 201, {"Location": uri}
    return {"message": "Field updated in user schema successfully", "uri": uri}, 200
