"""The security checks: admin sessions (cookie or header) and keypair-signed requests.

Each check answers the ``token_info`` handed to handlers, or None (Connexion answers 401).
They touch the database, so the async wrappers in ``blaize`` run them off the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from connexion.lifecycle import ConnexionRequest
from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from starlette.types import Scope

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import signing
from contractkit.impl.blaize.identity.access import CHECKED
from contractkit.impl.blaize.identity.body_digest import body_digest
from contractkit.impl.blaize.identity.models import (
    AdminRole,
    AdminSession,
    AdminUser,
    Keypair,
    UsedNonce,
)
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.db import DetachedRows
from contractkit.impl.errors import unauthorized
from contractkit.impl.timeutil import as_utc, utcnow
from contractkit.impl.web.security import FINISH_CHECK

Location = tuple[str, str]
"""Where a security scheme's credential is: ``(in, lower-case name)``."""


def _token_info(admin_user_id: str, tenant_id: str, **extra: Any) -> dict[str, Any]:
    return {"sub": admin_user_id, "admin_user_id": admin_user_id, "tenant": tenant_id, **extra}


_ADMINS = DetachedRows(AdminUser)
_TENANTS = DetachedRows(Tenant)
_SESSION_QUERY = (
    select(AdminSession.expires_at, *_ADMINS.columns, *_TENANTS.columns, AdminRole.role)
    .join(AdminUser, AdminUser.id == AdminSession.admin_user_id)
    .join(Tenant, Tenant.id == AdminSession.tenant_id)
    .outerjoin(
        AdminRole,
        and_(AdminRole.tenant_id == AdminSession.tenant_id, AdminRole.email == AdminUser.email),
    )
    .where(AdminSession.id_hash == bindparam("id_hash"))
)
"""A session with its admin, tenant and the admin's roles there (a row per role): one
statement, compiled once, read without an ORM session."""
_TENANT_AT = 1 + len(_ADMINS.columns)


def _may_be_session_id(session_id: str) -> bool:
    return bool(session_id) and len(session_id) <= 200


def verify_admin_session(ctx: BlaizeContext, session_id: str) -> dict[str, Any] | None:
    """A live admin session (not expired, not logged out)."""
    if not _may_be_session_id(session_id):
        return None
    id_hash = digest(session_id)
    with ctx.db.single_statements.connect() as connection:
        rows = connection.execute(_SESSION_QUERY, {"id_hash": id_hash}).all()
    if not rows or as_utc(rows[0][0]) <= utcnow():
        return None
    admin, tenant = _ADMINS.build(rows[0], 1), _TENANTS.build(rows[0], _TENANT_AT)
    roles = [row[-1] for row in rows if row[-1] is not None]
    return _token_info(
        admin.id,
        tenant.id,
        scheme="session",
        session_hash=id_hash,
        **{CHECKED: (admin, tenant, roles)},
    )


def carries_one_credential(request: ConnexionRequest, locations: Iterable[Location]) -> bool:
    """Whether the request names exactly one of the credentials at ``locations`` (so no other
    scheme may let it in)."""
    sources = {"header": request.headers, "cookie": request.cookies, "query": request.query_params}
    present = sum(name in sources[where] for where, name in locations if where in sources)
    return present == 1


def deferred_admin_session(ctx: BlaizeContext, session_id: str) -> dict[str, Any] | None:
    """The admin session check, its database part left to the handler's worker thread.

    Only for a request that carries no other credential: when the session turns out not to
    be live, no other scheme could have let the request in, so refusing then (401) answers
    as the full check would have.
    """
    if not _may_be_session_id(session_id):
        return None
    return {FINISH_CHECK: partial(_finish_admin_session, ctx, session_id)}


def _finish_admin_session(ctx: BlaizeContext, session_id: str, token_info: dict) -> None:
    found = verify_admin_session(ctx, session_id)
    if found is None:
        raise unauthorized()
    token_info.update(found)


def signed_path(scope: Scope, base_path: str) -> str:
    """The request path below the API's mount point, as sent (percent-encoding kept)."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else scope.get("path", "")
    path = path.split("?", 1)[0]
    base = base_path.rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :]
    return path or "/"


def verify_keypair_signature(
    ctx: BlaizeContext, header: str, scope: Scope, method: str
) -> dict[str, Any] | None:
    """A request signed as the ``keypairSignature`` scheme describes, seen for the first time."""
    try:
        signed = signing.parse_authorization(header)
    except signing.MalformedSignature:
        return None
    now = utcnow()
    skew_ms = abs(now.timestamp() * 1000 - signed.timestamp_ms)
    if skew_ms > signing.MAX_SKEW_SECONDS * 1000:
        return None
    body_sha256 = body_digest(scope)
    if body_sha256 is None:
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    canonical = signing.canonical_request(
        method,
        signed_path(scope, ctx.base_path),
        query,
        body_sha256,
        signed.timestamp_ms,
        signed.nonce,
    )
    try:
        with ctx.db.transaction() as session:
            keypair = session.get(Keypair, signed.access_key)
            if keypair is None or keypair.revoked_at is not None:
                return None
            secret = signing.derive_secret_key(
                ctx.settings.master_key, keypair.access_key, keypair.salt
            )
            expected = signing.signature(secret, canonical)
            if not signing.signatures_match(expected, signed.signature):
                return None
            session.execute(delete(UsedNonce).where(UsedNonce.expires_at < now))
            if session.get(UsedNonce, (signed.access_key, signed.nonce)) is not None:
                return None
            session.add(
                UsedNonce(
                    access_key=signed.access_key,
                    nonce=signed.nonce,
                    expires_at=now + timedelta(seconds=signing.NONCE_MEMORY_SECONDS),
                )
            )
            session.flush()
            return _token_info(
                keypair.admin_user_id,
                keypair.tenant_id,
                scheme="keypair",
                access_key=keypair.access_key,
            )
    except IntegrityError:
        # The same nonce was recorded concurrently: a replay.
        return None
