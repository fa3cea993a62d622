"""The export of every user of a tenant, read lazily in batches.

Users are read ``EXPORT_BATCH_SIZE`` at a time (keyset pagination on creation order, one
short transaction per batch), so a large export never holds all users in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import User, UserExtendedProfile, UserIdentifier
from contractkit.impl.db import Database

EXPORT_BATCH_SIZE = 500


@dataclass(frozen=True)
class ExportQuery:
    """What to export: core attributes or not, and the apps whose extended profiles to add.

    With app ids and no ``attributes`` parameter, only users with a profile for one of the
    apps are exported.
    """

    tenant_id: str
    attributes: bool
    app_ids: tuple[str, ...]
    only_with_profiles: bool

    @classmethod
    def from_parameters(
        cls, tenant_id: str, attributes: str | None, app_ids: Sequence[str] | None
    ) -> ExportQuery:
        apps = tuple(dict.fromkeys(app_ids or ()))
        return cls(
            tenant_id=tenant_id,
            attributes=attributes == "true",
            app_ids=apps,
            only_with_profiles=bool(apps) and attributes is None,
        )


def _batch(
    session: Session, query: ExportQuery, after: tuple[datetime, str] | None, size: int
) -> list[User]:
    statement = select(User).where(User.tenant_id == query.tenant_id)
    if query.only_with_profiles:
        statement = statement.where(
            exists().where(
                UserExtendedProfile.user_id == User.id,
                UserExtendedProfile.app_id.in_(query.app_ids),
            )
        )
    if after is not None:
        created_at, user_id = after
        statement = statement.where(
            or_(
                User.created_at > created_at, and_(User.created_at == created_at, User.id > user_id)
            )
        )
    return list(session.scalars(statement.order_by(User.created_at, User.id).limit(size)))


def _identifiers(session: Session, user_ids: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {user_id: {} for user_id in user_ids}
    rows = session.scalars(
        select(UserIdentifier)
        .where(UserIdentifier.user_id.in_(user_ids))
        .order_by(UserIdentifier.user_id, UserIdentifier.name)
    )
    for row in rows:
        found[row.user_id][row.name] = row.value
    return found


def _profiles(
    session: Session, user_ids: list[str], app_ids: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if not app_ids:
        return found
    rows = session.scalars(
        select(UserExtendedProfile)
        .where(UserExtendedProfile.user_id.in_(user_ids), UserExtendedProfile.app_id.in_(app_ids))
        .order_by(UserExtendedProfile.user_id, UserExtendedProfile.app_id)
    )
    for row in rows:
        found.setdefault(row.user_id, {})[row.app_id] = dict(row.data or {})
    return found


def export_records(
    db: Database, query: ExportQuery, batch_size: int | None = None
) -> Iterator[dict[str, Any]]:
    """The export's records, read lazily one batch at a time (``EXPORT_BATCH_SIZE`` users
    unless ``batch_size`` is given)."""
    size = EXPORT_BATCH_SIZE if batch_size is None else batch_size
    after: tuple[datetime, str] | None = None
    seq_no = 0
    while True:
        with db.transaction() as session:
            users = _batch(session, query, after, size)
            if not users:
                return
            user_ids = [user.id for user in users]
            identifiers = _identifiers(session, user_ids)
            profiles = _profiles(session, user_ids, query.app_ids)
            records = []
            for user in users:
                seq_no += 1
                view: dict[str, Any] = {"user_id": user.id, "identifiers": identifiers[user.id]}
                if query.attributes:
                    view["attributes"] = dict(user.attributes or {})
                if user.id in profiles:
                    view["extended_profiles"] = profiles[user.id]
                records.append({"seq-no": seq_no, "user": view})
            after = (users[-1].created_at, users[-1].id)
        yield from records
        if len(users) < size:
            return
