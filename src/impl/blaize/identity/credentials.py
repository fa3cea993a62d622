"""The security checks: admin sessions (cookie or header) and keypair-signed requests.

Each check answers the ``token_info`` handed to handlers, or None (Connexion answers 401).
They touch the database, so the async wrappers in ``blaize`` run them off the event loop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.types import Scope

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import signing
from contractkit.impl.blaize.identity.access import CHECKED, roles_in
from contractkit.impl.blaize.identity.body_digest import body_digest
from contractkit.impl.blaize.identity.models import AdminSession, AdminUser, Keypair, UsedNonce
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.timeutil import as_utc, utcnow


def _token_info(admin_user_id: str, tenant_id: str, **extra: Any) -> dict[str, Any]:
    return {"sub": admin_user_id, "admin_user_id": admin_user_id, "tenant": tenant_id, **extra}


def verify_admin_session(ctx: BlaizeContext, session_id: str) -> dict[str, Any] | None:
    """A live admin session (not expired, not logged out)."""
    if not session_id or len(session_id) > 200:
        return None
    query = (
        select(AdminSession, AdminUser, Tenant)
        .join(AdminUser, AdminUser.id == AdminSession.admin_user_id)
        .join(Tenant, Tenant.id == AdminSession.tenant_id)
        .where(AdminSession.id_hash == digest(session_id))
    )
    with ctx.db.transaction() as session:
        found = session.execute(query).first()
        if found is None or as_utc(found[0].expires_at) <= utcnow():
            return None
        row, admin, tenant = found
        roles = roles_in(session, tenant.id, admin.email)
        return _token_info(
            row.admin_user_id,
            row.tenant_id,
            scheme="session",
            session_hash=row.id_hash,
            **{CHECKED: (admin, tenant, roles)},
        )


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
