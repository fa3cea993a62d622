"""Who a request put to the Decision Engine comes from.

The user is the first of these that names a user of the tenant: the end-user ``session``
(live, with a user), the ``jwt`` (valid for the tenant, see ``blaize.people.tokens``),
the ``foreign_keys`` (every pair naming one and the same user). Credentials that are unknown,
expired, invalid or of another tenant identify nobody; they are not errors. Without a user the
request is anonymous, and a live anonymous session still names the visitor (meters count
per session, gifts are claimed per session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import User, UserForeignKey, UserSession
from contractkit.impl.blaize.people.sessions import live_session
from contractkit.impl.blaize.people.subjects import anonymous_subject, user_subject
from contractkit.impl.blaize.people.tokens import verified_user_id
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import ApiError


@dataclass(frozen=True)
class Identity:
    user_id: str | None = None
    authenticated: bool = False
    session_digest: str | None = None
    """The anonymous visitor's session (SHA-256 of its id), when there is one."""

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @property
    def subject(self) -> str | None:
        """Whom meters count and gifts are claimed for; None: nobody can be named."""
        if self.user_id is not None:
            return user_subject(self.user_id)
        if self.session_digest is not None:
            return anonymous_subject(self.session_digest)
        return None

    def script_view(self) -> dict[str, Any]:
        """The ``user`` argument of rule scripts."""
        return {
            "id": self.user_id,
            "anonymous": self.anonymous,
            "authenticated": self.authenticated,
        }


def storable_text(value: Any) -> bool:
    """Whether ``value`` is text a database can be asked about (no NUL, no lone surrogate)."""
    if not isinstance(value, str) or contains_nul(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _session_row(session: Session, tenant_id: str, session_id: Any) -> UserSession | None:
    if not storable_text(session_id) or not session_id:
        return None
    try:
        return live_session(session, tenant_id, session_id)
    except ApiError:
        return None


def _tenant_user(session: Session, tenant_id: str, user_id: str | None) -> str | None:
    user = session.get(User, user_id) if storable_text(user_id) else None
    return user.id if user is not None and user.tenant_id == tenant_id else None


def _foreign_key_user(session: Session, tenant_id: str, keys: Any) -> str | None:
    """The one user every ``system: id`` pair names, if they all name the same user."""
    if not isinstance(keys, dict) or not keys:
        return None
    if not all(storable_text(key) and storable_text(value) for key, value in keys.items()):
        return None
    found: set[str] = set()
    for key, value in keys.items():
        user_id = session.scalar(
            select(UserForeignKey.user_id).where(
                UserForeignKey.tenant_id == tenant_id,
                UserForeignKey.key == key,
                UserForeignKey.value == value,
            )
        )
        if user_id is None:
            return None
        found.add(user_id)
    return found.pop() if len(found) == 1 else None


def identify(
    session: Session, settings: BlaizeSettings, tenant_id: str, request: dict[str, Any]
) -> Identity:
    """The identity the decision request's ``session``, ``jwt`` and ``foreign_keys`` give."""
    row = _session_row(session, tenant_id, request.get("session"))
    if row is not None and row.user_id is not None:
        return Identity(row.user_id, authenticated=row.authenticated)
    token = request.get("jwt")
    if storable_text(token) and token:
        user_id = _tenant_user(session, tenant_id, verified_user_id(settings, tenant_id, token))
        if user_id is not None:
            return Identity(user_id, authenticated=True)
    user_id = _foreign_key_user(session, tenant_id, request.get("foreign_keys"))
    if user_id is not None:
        return Identity(user_id, authenticated=False)
    return Identity(session_digest=row.id_hash if row is not None else None)
