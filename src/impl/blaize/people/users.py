"""End users of the tenant: created with their identifiers, attributes and password, changed,
deleted; every change queues its webhook events in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.people.models import User, UserIdentifier
from contractkit.impl.blaize.people.user_schema import refuse_misfits
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import normalized_identifiers, owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.events import (
    USER_CREATE,
    USER_UPDATE,
    user_changed,
    user_deleting,
)
from contractkit.impl.errors import conflict


def tenant_users(session: Session, tenant_id: str) -> list[User]:
    return tenant_rows(session, User, tenant_id)


def tenant_user(session: Session, tenant_id: str, user_id: str) -> User:
    """The tenant's user ``user_id``, else 404."""
    return owned(session, User, user_id, tenant_id, "User")


def identifier_holder(session: Session, tenant_id: str, name: str, value: str) -> str | None:
    """The id of the tenant's user holding the identifier, if any."""
    return session.scalar(
        select(UserIdentifier.user_id).where(
            UserIdentifier.tenant_id == tenant_id,
            UserIdentifier.name == name,
            UserIdentifier.value == value,
        )
    )


def _create_one(
    session: Session,
    passwords: Passwords,
    tenant_id: str,
    spec: Mapping[str, Any],
    seen: set[tuple[str, str]],
) -> User:
    refuse_unstorable(spec["identifiers"])
    identifiers = normalized_identifiers(spec["identifiers"])
    for name, value in identifiers.items():
        if (name, value) in seen or identifier_holder(session, tenant_id, name, value):
            raise conflict(f"A user with this {name} already exists")
        seen.add((name, value))
    attributes = spec.get("attributes") or {}
    refuse_misfits(session, tenant_id, attributes)
    password = spec["validators"].get("password")
    user = User(
        id=new_id(),
        tenant_id=tenant_id,
        password_hash=passwords.hash(password) if password else None,
        attributes=attributes,
        email_verified=False,
    )
    session.add(user)
    session.flush()
    for name, value in identifiers.items():
        session.add(UserIdentifier(user_id=user.id, name=name, tenant_id=tenant_id, value=value))
    user_changed(session, user, USER_CREATE)
    return user


def create_users(
    session: Session, passwords: Passwords, tenant_id: str, specs: Sequence[Mapping[str, Any]]
) -> list[User]:
    """New users, one per spec; 409 when an identifier is taken (also within ``specs``) or the
    attributes do not fit the User Schema."""
    seen: set[tuple[str, str]] = set()
    return [_create_one(session, passwords, tenant_id, spec, seen) for spec in specs]


def delete_user(session: Session, tenant_id: str, user_id: str) -> None:
    user = tenant_user(session, tenant_id, user_id)
    user_deleting(session, user)
    session.delete(user)


def set_attributes(
    session: Session, tenant_id: str, user_id: str, attributes: Mapping[str, Any], merge: bool
) -> dict[str, Any]:
    """The user's attributes replaced by (or, with ``merge``, updated with) the given ones;
    answers the result. 409 when it does not fit the User Schema."""
    user = tenant_user(session, tenant_id, user_id)
    result = {**(user.attributes or {}), **attributes} if merge else dict(attributes)
    refuse_misfits(session, tenant_id, result)
    user.attributes = result
    user_changed(session, user, USER_UPDATE, ["attributes"])
    return dict(result)


def set_legacy_password(session: Session, tenant_id: str, user_id: str, legacy_hash: str) -> None:
    """The user signs in with the legacy password from now on (the password is cleared)."""
    user = tenant_user(session, tenant_id, user_id)
    user.password_hash = None
    user.legacy_password_hash = legacy_hash
    user_changed(session, user, USER_UPDATE, ["password"])
