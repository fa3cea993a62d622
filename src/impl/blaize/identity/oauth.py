"""OAuth2 authorization code flow (RFC 6749, section 4.1): codes, access and refresh tokens.

Authorization codes are issued by the consent step of the tenant's site, which is outside
the Admin API: it calls :func:`issue_authorization_code` (in development,
``contractkit token blaize --oauth-code``). A code is single-use, lives at most
``BLAIZE_OAUTH_CODE_TTL_SECONDS`` and is bound to the client and the redirect URI it was
issued for. The token endpoint exchanges it for an access token and a refresh token; only
SHA-256 digests of codes and tokens are stored. A second use of a code revokes every token
issued for it (RFC 6749, section 4.1.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.models import OAuthCode, OAuthToken
from contractkit.impl.blaize.people.models import User
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.blaize.tenancy.ids import digest, new_secret
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.timeutil import as_utc, utcnow

SUPPORTED_SCOPES = ("user.account:read", "user.profile:read", "user.profile:update")
ACCESS_TOKEN_PREFIX = "oa_"


class OAuthRefused(Exception):
    """A token request refused with an RFC 6749 error code (``invalid_grant``, ...)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class CodeReused(OAuthRefused):
    """A code presented a second time; the tokens issued for it are to be revoked."""

    def __init__(self, code_hash: str) -> None:
        super().__init__("invalid_grant", "The authorization code was already used")
        self.code_hash = code_hash


def normalized_scope(scope: str | None) -> str:
    """The requested scopes in the seed's order (all supported scopes when none are named)."""
    requested = set((scope or " ".join(SUPPORTED_SCOPES)).split())
    unknown = requested - set(SUPPORTED_SCOPES)
    if unknown or not requested:
        raise ValueError(f"unsupported scopes: {' '.join(sorted(unknown)) or '(none)'}")
    return " ".join(name for name in SUPPORTED_SCOPES if name in requested)


def issue_authorization_code(
    session: Session,
    settings: BlaizeSettings,
    user: User,
    *,
    client_id: str,
    redirect_uri: str,
    scope: str | None = None,
) -> str:
    """A new code the user consented to for ``client_id``; answered once, stored as a digest."""
    if not client_id or not redirect_uri:
        raise ValueError("a code is issued to a client_id for a redirect_uri")
    code = new_secret()
    session.add(
        OAuthCode(
            code_hash=digest(code),
            tenant_id=user.tenant_id,
            user_id=user.id,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=normalized_scope(scope),
            expires_at=utcnow() + timedelta(seconds=settings.oauth_code_ttl_seconds),
        )
    )
    return code


@dataclass(frozen=True)
class Grant:
    """Who a token is for, and what it allows."""

    tenant_id: str
    user_id: str
    client_id: str
    scope: str
    code_hash: str


def _store_token(session: Session, grant: Grant, kind: str, token: str, ttl_seconds: int) -> None:
    session.add(
        OAuthToken(
            token_hash=digest(token),
            kind=kind,
            tenant_id=grant.tenant_id,
            user_id=grant.user_id,
            client_id=grant.client_id,
            scope=grant.scope,
            code_hash=grant.code_hash,
            expires_at=utcnow() + timedelta(seconds=ttl_seconds),
        )
    )


def _access_token(session: Session, settings: BlaizeSettings, grant: Grant) -> dict[str, Any]:
    token = ACCESS_TOKEN_PREFIX + new_secret()
    ttl = settings.oauth_access_token_ttl_seconds
    _store_token(session, grant, "access", token, ttl)
    return {
        "scope": grant.scope,
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl,
        "user_id": grant.user_id,
    }


def exchange_code(
    session: Session,
    settings: BlaizeSettings,
    code: str,
    redirect_uri: str,
    client_id: str,
) -> dict[str, Any]:
    """Access and refresh tokens for a live, unused code, sent by its client and redirect URI."""
    row = None if contains_nul(code) else session.get(OAuthCode, digest(code))
    if row is None:
        raise OAuthRefused("invalid_grant", "The authorization code is not valid")
    if row.used_at is not None:
        raise CodeReused(row.code_hash)
    if as_utc(row.expires_at) <= utcnow():
        raise OAuthRefused("invalid_grant", "The authorization code has expired")
    if client_id != row.client_id:
        raise OAuthRefused("invalid_grant", "The authorization code was issued to another client")
    if redirect_uri != row.redirect_uri:
        raise OAuthRefused("invalid_grant", "redirect_uri is not the one the code was issued for")
    row.used_at = utcnow()
    grant = Grant(row.tenant_id, row.user_id, row.client_id, row.scope, row.code_hash)
    answer = _access_token(session, settings, grant)
    refresh_token = new_secret()
    _store_token(session, grant, "refresh", refresh_token, settings.oauth_refresh_token_ttl_seconds)
    return {**answer, "refresh_token": refresh_token}


def _live_token(session: Session, token: str, kind: str) -> OAuthToken | None:
    row = None if contains_nul(token) else session.get(OAuthToken, digest(token))
    if (
        row is None
        or row.kind != kind
        or row.revoked_at is not None
        or as_utc(row.expires_at) <= utcnow()
    ):
        return None
    return row


def refresh_access(
    session: Session, settings: BlaizeSettings, refresh_token: str, client_id: str
) -> dict[str, Any]:
    """A new access token with the scope of the refresh token's grant."""
    row = _live_token(session, refresh_token, "refresh")
    if row is None:
        raise OAuthRefused("invalid_grant", "The refresh token is not valid")
    if client_id != row.client_id:
        raise OAuthRefused("invalid_grant", "The refresh token was issued to another client")
    grant = Grant(row.tenant_id, row.user_id, row.client_id, row.scope, row.code_hash)
    return _access_token(session, settings, grant)


def revoke_tokens_of_code(session: Session, code_hash: str) -> None:
    session.execute(
        update(OAuthToken)
        .where(OAuthToken.code_hash == code_hash, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def verify_access_token(session: Session, token: str) -> dict[str, Any] | None:
    """The grant behind a live access token (for the user-facing resources), else None."""
    row = _live_token(session, token, "access")
    if row is None:
        return None
    return {
        "sub": row.user_id,
        "tenant": row.tenant_id,
        "client_id": row.client_id,
        "scope": row.scope.split(),
    }
