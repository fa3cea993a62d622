"""The people of an organisation: finding them, their profiles, roles and deletion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from contractkit.impl.errors import forbidden, not_found
from contractkit.impl.peerly.models import Role, User
from contractkit.impl.peerly.services.access import (
    active_user_in_scope,
    is_superadmin,
    require_role,
)
from contractkit.impl.timeutil import utcnow

SEARCHED_COLUMNS = (User.first_name, User.last_name, User.display_name, User.email)
"""What ``starts_with`` is matched against, case-insensitively."""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_users(
    session: Session,
    caller: User,
    *,
    org_id: int | None,
    starts_with: str | None,
    limit: int,
    offset: int,
) -> list[User]:
    """Active users of the caller's organisation (of ``org_id`` for superadmins), by name."""
    target_org = caller.org_id
    if org_id is not None and org_id != caller.org_id:
        if not is_superadmin(caller):
            raise forbidden("Only superadmins may list another organisation's users")
        target_org = org_id
    query = select(User).where(User.org_id == target_org, User.soft_delete_at.is_(None))
    if starts_with:
        pattern = _escape_like(starts_with.lower()) + "%"
        query = query.where(
            or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED_COLUMNS))
        )
    query = query.order_by(User.first_name, User.last_name, User.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def visible_user(session: Session, caller: User, user_id: int) -> User:
    """An active user in the caller's scope; 404 otherwise."""
    user = active_user_in_scope(session, caller, user_id)
    if user is None:
        raise not_found("User")
    return user


def managed_user(session: Session, caller: User, user_id: int) -> User:
    """A user an admin acts on: in scope, and never the admin themselves."""
    require_role(caller, Role.ADMIN)
    user = visible_user(session, caller, user_id)
    if user.id == caller.id:
        raise forbidden("You cannot change or delete your own account here")
    return user


def edit_profile(session: Session, user: User, fields: Mapping[str, Any]) -> None:
    """New names; the profile image changes only when ``fields`` names one."""
    user.first_name = fields["first_name"]
    user.last_name = fields["last_name"]
    user.display_name = fields["display_name"]
    if "profile_image_url" in fields:
        user.profile_image_url = fields["profile_image_url"]
    session.flush()


def change_role(session: Session, caller: User, user: User, role_id: int) -> None:
    """Only superadmins grant or remove the superadmin role."""
    touches_superadmin = Role.SUPERADMIN in (role_id, user.role_id)
    if touches_superadmin and not is_superadmin(caller):
        raise forbidden("Only superadmins may grant or remove the superadmin role")
    user.role_id = role_id
    session.flush()


def soft_delete(session: Session, caller: User, user: User) -> None:
    """Mark ``user`` deleted by ``caller``; only superadmins delete a superadmin."""
    if user.role_id == Role.SUPERADMIN and not is_superadmin(caller):
        raise forbidden("Only superadmins may delete a superadmin")
    user.soft_delete_by = caller.id
    user.soft_delete_at = utcnow()
    session.flush()
