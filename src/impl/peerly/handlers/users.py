"""Handlers of the users module."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_

from contractkit.impl.errors import forbidden, not_found
from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.access import (
    active_user_in_scope,
    active_users_query,
    is_superadmin,
    load_caller,
    require_role,
)
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import Role, User
from contractkit.impl.timeutil import utcnow


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_users(
    ctx: PeerlyContext,
    token_info: dict[str, Any],
    limit: int = 20,
    offset: int = 0,
    starts_with: str | None = None,
    org_id: int | None = None,
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        target_org = caller.org_id
        if org_id is not None and org_id != caller.org_id:
            if not is_superadmin(caller):
                raise forbidden("Only superadmins may list another organisation's users")
            target_org = org_id
        query = active_users_query(target_org)
        if starts_with:
            pattern = _escape_like(starts_with.lower()) + "%"
            query = query.where(
                or_(
                    *(
                        func.lower(column).like(pattern, escape="\\")
                        for column in (
                            User.first_name,
                            User.last_name,
                            User.display_name,
                            User.email,
                        )
                    )
                )
            )
        query = query.order_by(User.first_name, User.last_name, User.id).limit(limit).offset(offset)
        return {"data": [serializers.user(user) for user in session.scalars(query)]}, 200


def get_current_user(ctx: PeerlyContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        return {"data": serializers.user(load_caller(session, token_info))}, 200


def update_current_user(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        caller.first_name = body["first_name"]
        caller.last_name = body["last_name"]
        caller.display_name = body["display_name"]
        if "profile_image_url" in body:
            caller.profile_image_url = body["profile_image_url"]
        session.flush()
        return {"data": serializers.user(caller)}, 200


def _managed_user(session: Any, caller: User, user_id: int) -> User:
    """A user an admin acts on: in scope, and never the admin themselves."""
    require_role(caller, Role.ADMIN)
    user = active_user_in_scope(session, caller, user_id)
    if user is None:
        raise not_found("User")
    if user.id == caller.id:
        raise forbidden("You cannot change or delete your own account here")
    return user


def get_user(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        user = active_user_in_scope(session, caller, id)
        if user is None:
            raise not_found("User")
        return {"data": serializers.user(user)}, 200


def update_user_role(
    ctx: PeerlyContext, id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        user = _managed_user(session, caller, id)
        new_role = int(body["role_id"])
        touches_superadmin = Role.SUPERADMIN in (new_role, user.role_id)
        if touches_superadmin and not is_superadmin(caller):
            raise forbidden("Only superadmins may grant or remove the superadmin role")
        user.role_id = new_role
        session.flush()
        return {"data": serializers.user(user)}, 200


def delete_user(ctx: PeerlyContext, id: int, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        user = _managed_user(session, caller, id)
        if user.role_id == Role.SUPERADMIN and not is_superadmin(caller):
            raise forbidden("Only superadmins may delete a superadmin")
        user.soft_delete_by = caller.id
        user.soft_delete_at = utcnow()
        session.flush()
        return {"data": serializers.user(user)}, 200
