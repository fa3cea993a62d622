"""The tenant's User Schema: the fields users' attributes must fit, by slug."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.attributes import (
    AttributesRejected,
    InvalidField,
    check_attributes,
    check_field_definition,
)
from contractkit.impl.blaize.people.models import UserSchemaField
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import ApiError, not_found


def schema_fields(session: Session, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Every field of the tenant's User Schema, by slug."""
    rows = session.scalars(select(UserSchemaField).where(UserSchemaField.tenant_id == tenant_id))
    return {row.slug: dict(row.definition) for row in rows}


def refuse_misfits(session: Session, tenant_id: str, attributes: Mapping[str, Any]) -> None:
    """409 (with a problem per slug) unless the attributes fit the tenant's User Schema."""
    try:
        check_attributes(attributes, schema_fields(session, tenant_id))
    except AttributesRejected as exc:
        raise ApiError(409, "conflict", str(exc), exc.problems) from exc


def ordered_fields(session: Session, tenant_id: str) -> list[UserSchemaField]:
    """The tenant's fields, by slug."""
    rows = session.scalars(
        select(UserSchemaField)
        .where(UserSchemaField.tenant_id == tenant_id)
        .order_by(UserSchemaField.slug)
    )
    return list(rows)


def schema_field(session: Session, tenant_id: str, slug: str) -> UserSchemaField:
    """The tenant's field ``slug``, else 404."""
    row = None if contains_nul(slug) else session.get(UserSchemaField, (tenant_id, slug))
    if row is None:
        raise not_found("User Schema field")
    return row


def delete_field(session: Session, tenant_id: str, slug: str) -> None:
    session.delete(schema_field(session, tenant_id, slug))


def save_field(session: Session, tenant_id: str, slug: str, definition: dict[str, Any]) -> bool:
    """Create or replace the field ``slug``; True when it was created. 409 when the definition
    cannot constrain anything."""
    refuse_unstorable(slug)
    try:
        check_field_definition(definition)
    except InvalidField as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    row = session.get(UserSchemaField, (tenant_id, slug))
    created = row is None
    if row is None:
        row = UserSchemaField(tenant_id=tenant_id, slug=slug)
        session.add(row)
    row.definition = definition
    return created
