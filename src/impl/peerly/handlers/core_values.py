"""Handlers of the core values module."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.errors import not_found
from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.access import load_caller, require_role
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import CoreValue, Role


def find_core_value(session: Session, org_id: int, core_value_id: int) -> CoreValue | None:
    """The organisation's core value with this id, if any."""
    value = session.get(CoreValue, core_value_id)
    return value if value is not None and value.org_id == org_id else None


def list_core_values(ctx: PeerlyContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        values = session.scalars(
            select(CoreValue).where(CoreValue.org_id == caller.org_id).order_by(CoreValue.id)
        )
        return {"data": [serializers.core_value(value) for value in values]}, 200


def create_core_value(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        parent_id = body.get("parent_core_value_id")
        if parent_id is not None and find_core_value(session, caller.org_id, parent_id) is None:
            raise not_found("Parent core value", "parent_core_value_id")
        value = CoreValue(
            org_id=caller.org_id,
            text=body["text"],
            description=body["description"],
            parent_core_value_id=parent_id,
            thumbnail_url=body.get("thumbnail_url"),
        )
        session.add(value)
        session.flush()
        return {"data": serializers.core_value(value)}, 201


def get_core_value(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        value = find_core_value(session, caller.org_id, id)
        if value is None:
            raise not_found("Core value")
        return {"data": serializers.core_value(value)}, 200


def update_core_value(
    ctx: PeerlyContext, id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        value = find_core_value(session, caller.org_id, id)
        if value is None:
            raise not_found("Core value")
        value.text = body["text"]
        value.description = body["description"]
        if "thumbnail_url" in body:
            value.thumbnail_url = body["thumbnail_url"]
        session.flush()
        return {"data": serializers.core_value(value)}, 200
