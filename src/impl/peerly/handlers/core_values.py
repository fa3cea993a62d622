"""Handlers of the core values module."""

from __future__ import annotations

from typing import Any

from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import Role
from contractkit.impl.peerly.services.access import load_caller, require_role
from contractkit.impl.peerly.services.core_values import (
    add_core_value,
    change_core_value,
    core_value_of,
    core_values_of,
)


def list_core_values(ctx: PeerlyContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = load_caller(session, token_info)
        values = core_values_of(session, caller.org_id)
        return {"data": [serializers.core_value(value) for value in values]}, 200


def create_core_value(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        value = add_core_value(session, caller.org_id, body)
        return {"data": serializers.core_value(value)}, 201


def get_core_value(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = load_caller(session, token_info)
        value = core_value_of(session, caller.org_id, id)
        return {"data": serializers.core_value(value)}, 200


def update_core_value(
    ctx: PeerlyContext, id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        value = core_value_of(session, caller.org_id, id)
        change_core_value(session, value, body)
        return {"data": serializers.core_value(value)}, 200
