"""Users' identifiers in foreign systems: one user per (key, value) in a tenant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import UserForeignKey
from contractkit.impl.blaize.people.users import tenant_user
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.events import USER_UPDATE, user_changed
from contractkit.impl.errors import ApiError, conflict


def _held_elsewhere(key: str) -> ApiError:
    return conflict(f"Another user has this {key} foreign key")


def save_foreign_key(session: Session, tenant_id: str, user_id: str, key: str, value: str) -> None:
    """Set the user's ``key`` foreign key; 409 when another user of the tenant holds it."""
    user = tenant_user(session, tenant_id, user_id)
    refuse_unstorable(key, value)
    holder = session.scalar(
        select(UserForeignKey.user_id).where(
            UserForeignKey.tenant_id == tenant_id,
            UserForeignKey.key == key,
            UserForeignKey.value == value,
        )
    )
    if holder is not None and holder != user.id:
        raise _held_elsewhere(key)
    row = session.get(UserForeignKey, (user.id, key))
    if row is None:
        session.add(UserForeignKey(user_id=user.id, key=key, tenant_id=tenant_id, value=value))
    else:
        row.value = value
    user_changed(session, user, USER_UPDATE, ["foreign_keys"])


@contextmanager
def foreign_key_race(key: str) -> Iterator[None]:
    """Around the transaction saving a foreign key: a concurrent save of the same key and
    value by another user is answered with 409, as a clash seen beforehand is."""
    try:
        yield
    except IntegrityError as exc:
        raise _held_elsewhere(key) from exc
