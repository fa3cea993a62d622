"""End-user sessions: opened with a user's credentials or anonymously, looked up, ended.

A session id is a bearer secret: the row is found by its SHA-256, and the id itself is kept
sealed (AES-GCM under the master key) because lookups answer it. Sessions expire after
``BLAIZE_USER_SESSION_TTL_SECONDS``; expired sessions are found by nothing and are purged
when new sessions are opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from connexion.context import scope as current_scope
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.access_model import access_model, anonymous_access_model
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import authorize
from contractkit.impl.blaize.identity.models import ConfigurationSetting
from contractkit.impl.blaize.identity.sealing import seal, unseal
from contractkit.impl.blaize.people.models import User, UserSession
from contractkit.impl.blaize.tenancy.ids import digest, new_secret
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.blaize.tenancy.records import find_user_by_identifiers
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import ApiError, not_found, unauthorized
from contractkit.impl.timeutil import as_utc, utcnow

SESSION_ID_PURPOSE = "user session id"
REQUIRE_VERIFICATION = "authentication.password.requireEmailVerfication"
ANONYMOUS_SESSIONS = "sessions.anonymous"
"""Tenant configuration: ``false`` refuses anonymous sessions on every site (403)."""
ADMIN_CREDENTIAL_HEADERS = (b"blaize-admin-session", b"authorization")
ADMIN_SESSION_COOKIE = "blaize_admin_session"
BAD_CREDENTIALS = "Invalid email address or password"


def session_date(value: datetime) -> str:
    """The seed's date form, e.g. ``2018-11-15 14:29 PM UTC``."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M %p UTC")


def _admin_credential_sent() -> bool:
    """Whether the request carries any admin credential (a valid one yields token_info)."""
    for name, value in current_scope.get("headers", []):
        if name in ADMIN_CREDENTIAL_HEADERS:
            return True
        if name == b"cookie" and f"{ADMIN_SESSION_COOKIE}=".encode() in value:
            return True
    return False


def open_operation_tenant(
    session: Session, ctx: BlaizeContext, token_info: Mapping[str, Any] | None
) -> str:
    """The tenant of an open operation: the admin credential's, else the default tenant.

    Connexion lets an open operation through whether or not a credential checks out, so a
    credential that was sent but is not valid is refused here (401).
    """
    if token_info:
        return authorize(session, token_info).tenant_id
    if _admin_credential_sent():
        raise unauthorized()
    tenant = session.get(Tenant, ctx.settings.default_tenant)
    if tenant is None or tenant.installed_at is None:
        raise ApiError(403, "forbidden", "The tenant is not installed yet")
    return tenant.id


def _setting_is_false(session: Session, tenant_id: str, name: str) -> bool:
    row = session.get(ConfigurationSetting, (tenant_id, name))
    return row is not None and row.value.strip().lower() == "false"


def _setting_is_true(session: Session, tenant_id: str, name: str) -> bool:
    row = session.get(ConfigurationSetting, (tenant_id, name))
    return row is not None and row.value.strip().lower() == "true"


def authenticate_user(
    ctx: BlaizeContext, session: Session, tenant_id: str, credentials: Mapping[str, Any]
) -> User:
    """The user the identifiers name, if the password (or legacy password) matches; else 401.

    A user of a tenant that requires verified e-mail addresses gets 403 until verified.
    """
    user = find_user_by_identifiers(session, tenant_id, credentials["identifiers"])
    password = credentials["validators"].get("password")
    stored = None
    if user is not None:
        stored = user.password_hash or user.legacy_password_hash
    verified = ctx.passwords.verify(stored, password) if isinstance(password, str) else False
    if user is None or not verified:
        raise unauthorized(BAD_CREDENTIALS)
    if not user.email_verified and _setting_is_true(session, tenant_id, REQUIRE_VERIFICATION):
        raise ApiError(403, "forbidden", "The email address has not been verified")
    return user


def refuse_unknown_site(site: str) -> None:
    """A site id holding NUL names no site (404); any other id names a site."""
    if contains_nul(site):
        raise not_found("Site")


def refuse_anonymous(session: Session, tenant_id: str) -> None:
    if _setting_is_false(session, tenant_id, ANONYMOUS_SESSIONS):
        raise ApiError(403, "forbidden", "The site does not allow anonymous sessions")


def open_session(
    ctx: BlaizeContext,
    session: Session,
    tenant_id: str,
    *,
    user: User | None,
    site: str | None,
) -> dict[str, Any]:
    """A new session (authenticated when it has a user); answers the ``Session`` view."""
    now = utcnow()
    session.execute(
        delete(UserSession).where(UserSession.tenant_id == tenant_id, UserSession.expires_at < now)
    )
    session_id = new_secret()
    row = UserSession(
        id_hash=digest(session_id),
        id_sealed=seal(ctx.settings.master_key, SESSION_ID_PURPOSE, session_id, tenant_id),
        tenant_id=tenant_id,
        user_id=user.id if user else None,
        site=site,
        authenticated=user is not None,
        variables={},
        created_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.user_session_ttl_seconds),
    )
    session.add(row)
    session.flush()
    return session_view(row, session_id)


def session_view(row: UserSession, session_id: str) -> dict[str, Any]:
    view: dict[str, Any] = {
        "expiryDate": session_date(row.expires_at),
        "startDate": session_date(row.created_at),
        "authenticated": row.authenticated,
        "session_id": session_id,
    }
    if row.user_id is not None:
        view["user_id"] = row.user_id
    return view


def live_session(
    session: Session, tenant_id: str, session_id: str, site: str | None = None
) -> UserSession:
    """The tenant's unexpired session with this id (under ``site`` when given), else 404."""
    row = None if contains_nul([session_id, site]) else session.get(UserSession, digest(session_id))
    if (
        row is None
        or row.tenant_id != tenant_id
        or (site is not None and row.site != site)
        or as_utc(row.expires_at) <= utcnow()
    ):
        raise not_found("Session")
    return row


def end_session(session: Session, tenant_id: str, session_id: str, site: str) -> None:
    """End the tenant's live session ``session_id`` on ``site``, else 404."""
    session.delete(live_session(session, tenant_id, session_id, site))


def live_sessions_of(session: Session, user_id: str, site: str | None = None) -> list[UserSession]:
    query = select(UserSession).where(
        UserSession.user_id == user_id, UserSession.expires_at > utcnow()
    )
    if site is not None:
        query = query.where(UserSession.site == site)
    return list(session.scalars(query.order_by(UserSession.created_at, UserSession.id_hash)))


def sessions_answer(
    ctx: BlaizeContext,
    session: Session,
    tenant_id: str,
    user_id: str | None,
    rows: Iterable[UserSession],
) -> dict[str, Any]:
    """The ``SessionLookup`` view: sessions, their variables and the user's access model."""
    rows = list(rows)
    variables: dict[str, Any] = {}
    for row in rows:
        variables.update(row.variables or {})
    sessions = [
        session_view(
            row, unseal(ctx.settings.master_key, SESSION_ID_PURPOSE, row.id_sealed, row.tenant_id)
        )
        for row in rows
    ]
    answer: dict[str, Any] = {"session_variables": variables, "sessions": sessions}
    if user_id is None:
        # An anonymous session (the one row): what anonymous visitors hold, metered for it.
        answer["access_model"] = anonymous_access_model(session, tenant_id, rows[0].id_hash)
    else:
        answer["user_id"] = user_id
        answer["access_model"] = access_model(session, tenant_id, user_id)
    return answer


def lookup(
    ctx: BlaizeContext, session: Session, row: UserSession, site: str | None
) -> dict[str, Any]:
    """The session's user with their live sessions (on ``site`` when given); anonymous
    sessions answer themselves only."""
    if row.user_id is None:
        return sessions_answer(ctx, session, row.tenant_id, None, [row])
    rows = live_sessions_of(session, row.user_id, site)
    return sessions_answer(ctx, session, row.tenant_id, row.user_id, rows)
