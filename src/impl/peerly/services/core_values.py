"""The organisation's core values: what recognitions are given for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from contractkit.impl.errors import not_found
from contractkit.impl.peerly.models import CoreValue


def find_core_value(session: Session, org_id: int, core_value_id: int) -> CoreValue | None:
    """The organisation's core value with this id, if any."""
    value = session.get(CoreValue, core_value_id)
    return value if value is not None and value.org_id == org_id else None


def core_value_of(session: Session, org_id: int, core_value_id: int) -> CoreValue:
    """The organisation's core value with this id; 404 when it has none."""
    value = find_core_value(session, org_id, core_value_id)
    if value is None:
        raise not_found("Core value")
    return value


_ORGANISATION_VALUES = (
    select(
        CoreValue.id,
        CoreValue.description,
        CoreValue.text,
        CoreValue.parent_core_value_id,
        CoreValue.org_id,
        CoreValue.thumbnail_url,
    )
    .where(CoreValue.org_id == bindparam("org_id"))
    .order_by(CoreValue.id)
)
"""Built once: the columns an answer shows, as plain rows (no ORM instances to build)."""


def core_values_of(session: Session, org_id: int) -> Sequence[Any]:
    """Every core value of the organisation, oldest first, as rows of the fields answers show."""
    return session.execute(_ORGANISATION_VALUES, {"org_id": org_id}).all()


def add_core_value(session: Session, org_id: int, fields: Mapping[str, Any]) -> CoreValue:
    """A new core value from the request's ``fields``; its parent must be the organisation's."""
    parent_id = fields.get("parent_core_value_id")
    if parent_id is not None and find_core_value(session, org_id, parent_id) is None:
        raise not_found("Parent core value", "parent_core_value_id")
    value = CoreValue(
        org_id=org_id,
        text=fields["text"],
        description=fields["description"],
        parent_core_value_id=parent_id,
        thumbnail_url=fields.get("thumbnail_url"),
    )
    session.add(value)
    session.flush()
    return value


def change_core_value(session: Session, value: CoreValue, fields: Mapping[str, Any]) -> None:
    """New text and description; the thumbnail changes only when ``fields`` names one."""
    value.text = fields["text"]
    value.description = fields["description"]
    if "thumbnail_url" in fields:
        value.thumbnail_url = fields["thumbnail_url"]
    session.flush()
