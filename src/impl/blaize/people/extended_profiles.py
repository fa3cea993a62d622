"""Users' extended profiles: one JSON object per user and app (what the export's ``appIds``
selects)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import UserExtendedProfile
from contractkit.impl.blaize.people.users import tenant_user
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import not_found
from contractkit.impl.timeutil import utcnow


def save_profile(
    session: Session, tenant_id: str, user_id: str, app_id: str, data: dict[str, Any]
) -> bool:
    """Create or replace the user's profile for the app; answers whether it was created."""
    user = tenant_user(session, tenant_id, user_id)
    refuse_unstorable(app_id, data)
    row = session.get(UserExtendedProfile, (user.id, app_id))
    created = row is None
    if row is None:
        row = UserExtendedProfile(user_id=user.id, app_id=app_id, tenant_id=tenant_id)
        session.add(row)
    row.data = dict(data)
    row.updated_at = utcnow()
    return created


def profile(session: Session, tenant_id: str, user_id: str, app_id: str) -> dict[str, Any]:
    """The user's profile for the app; 404 when the user or the profile is not there."""
    user = tenant_user(session, tenant_id, user_id)
    row = None if contains_nul(app_id) else session.get(UserExtendedProfile, (user.id, app_id))
    if row is None:
        raise not_found("Extended profile")
    return dict(row.data or {})
