"""End-user JWTs, the Decision Engine's ``jwt``: HS256, one user of one tenant.

Claims: ``sub`` (the user id), ``aud`` (the tenant id), ``iss`` (``BLAIZE_USER_JWT_ISSUER``),
``iat``, ``nbf`` and ``exp``; signed with ``BLAIZE_USER_JWT_SECRET``. Tokens are issued by the
tenant's own sign-in (in development, by ``contractkit token blaize --user-jwt``).
"""

from __future__ import annotations

import jwt

from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.jwt_hs256 import HS256Tokens


def _tokens(settings: BlaizeSettings, tenant_id: str) -> HS256Tokens | None:
    if settings.user_jwt_secret is None:
        return None
    return HS256Tokens(
        settings.user_jwt_secret,
        settings.user_jwt_issuer,
        settings.user_jwt_ttl_seconds,
        audience=tenant_id,
    )


def issue_user_jwt(settings: BlaizeSettings, tenant_id: str, user_id: str) -> str:
    """A JWT naming the tenant's user ``user_id``; ValueError when no secret is configured."""
    tokens = _tokens(settings, tenant_id)
    if tokens is None:
        raise ValueError("BLAIZE_USER_JWT_SECRET is not set")
    return tokens.issue({"sub": user_id})


def verified_user_id(settings: BlaizeSettings, tenant_id: str, token: str) -> str | None:
    """The ``sub`` of a valid token for this tenant (signature, expiry, issuer, audience)."""
    tokens = _tokens(settings, tenant_id)
    if tokens is None:
        return None
    try:
        claims = tokens.decode(token, required=["sub", "aud"])
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and subject else None
