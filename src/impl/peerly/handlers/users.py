"""Handlers of the users module."""

from __future__ import annotations

from typing import Any

from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import Role
from contractkit.impl.peerly.services.access import load_caller, require_role
from contractkit.impl.peerly.services.users import (
    active_users,
    change_role,
    edit_profile,
    managed_user,
    soft_delete,
    visible_user,
)


def list_users(
    ctx: PeerlyContext,
    token_info: dict[str, Any],
    limit: int = 20,
    offset: int = 0,
    starts_with: str | None = None,
    org_id: int | None = None,
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = load_caller(session, token_info)
        users = active_users(
            session, caller, org_id=org_id, starts_with=starts_with, limit=limit, offset=offset
        )
        return {"data": [serializers.user(user) for user in users]}, 200


def get_current_user(ctx: PeerlyContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        return {"data": serializers.user(load_caller(session, token_info))}, 200


def update_current_user(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        edit_profile(session, caller, body)
        return {"data": serializers.user(caller)}, 200


def get_user(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        return {"data": serializers.user(visible_user(session, caller, id))}, 200


def update_user_role(
    ctx: PeerlyContext, id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        user = managed_user(session, caller, id)
        change_role(session, caller, user, int(body["role_id"]))
        return {"data": serializers.user(user)}, 200


def delete_user(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        user = managed_user(session, caller, id)
        soft_delete(session, caller, user)
        return {"data": serializers.user(user)}, 200
