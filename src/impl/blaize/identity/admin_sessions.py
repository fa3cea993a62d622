"""Admin sessions: opened with an e-mail address and password, looked up, ended.

Only the SHA-256 of a session id is stored; expired sessions are purged at each login.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.access import roles_in
from contractkit.impl.blaize.identity.admin_users import admin_by_email
from contractkit.impl.blaize.identity.models import AdminSession
from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.tenancy.ids import digest, new_secret
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import not_found, unauthorized
from contractkit.impl.timeutil import as_utc, utcnow

BAD_LOGIN = "Invalid email address or password"


def open_admin_session(
    session: Session,
    passwords: Passwords,
    email: str,
    password: str,
    tenant_id: str,
    ttl_seconds: int,
) -> str:
    """A new session id of the admin user, in ``tenant_id`` (else their home tenant).

    401 unless the password matches and the admin user belongs to the tenant (created there,
    or holding a role there).
    """
    admin = None
    if not contains_nul([email, tenant_id]):
        admin = admin_by_email(session, email)
    verified = passwords.verify(admin.password_hash if admin else None, password)
    if admin is None or not verified:
        raise unauthorized(BAD_LOGIN)
    tenant_id = tenant_id or admin.home_tenant_id
    if tenant_id != admin.home_tenant_id and not roles_in(session, tenant_id, admin.email):
        raise unauthorized(BAD_LOGIN)
    session.execute(delete(AdminSession).where(AdminSession.expires_at < utcnow()))
    return issue_admin_session(session, admin.id, tenant_id, ttl_seconds)


def issue_admin_session(
    session: Session, admin_user_id: str, tenant_id: str, ttl_seconds: int
) -> str:
    """A new session id of the admin user in the tenant, live for ``ttl_seconds``."""
    session_id = new_secret()
    session.add(
        AdminSession(
            id_hash=digest(session_id),
            admin_user_id=admin_user_id,
            tenant_id=tenant_id,
            expires_at=utcnow() + timedelta(seconds=ttl_seconds),
        )
    )
    return session_id


def end_admin_session(session: Session, session_hash: str) -> None:
    """Forget the session (logout); its id no longer authenticates."""
    session.execute(delete(AdminSession).where(AdminSession.id_hash == session_hash))


def admin_session_user(session: Session, tenant_id: str, session_id: str) -> str:
    """The id of the admin user of the tenant's live session ``session_id``, else 404."""
    row = session.get(AdminSession, digest(session_id))
    if row is None or row.tenant_id != tenant_id or as_utc(row.expires_at) <= utcnow():
        raise not_found("Admin session")
    return row.admin_user_id
