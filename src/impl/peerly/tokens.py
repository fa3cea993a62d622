"""Peerly JWTs: issuing and verifying (signature, expiry, not-before, issuer, audience)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import jwt

from contractkit.impl.jwt_hs256 import HS256Tokens
from contractkit.impl.peerly.settings import PeerlySettings
from contractkit.impl.timeutil import utcnow

NAMESPACE = "https://peerly.com"


class InvalidToken(Exception):
    """The token is malformed, forged, expired, not yet valid or meant for someone else."""


@dataclass(frozen=True)
class TokenClaims:
    """The verified content of a Peerly token."""

    user_id: int
    role_id: int
    org_id: int
    org_name: str
    jti: str
    expires_at: datetime


class TokenService:
    """Signs and verifies Peerly tokens with the configured secret."""

    def __init__(self, settings: PeerlySettings) -> None:
        self._tokens = HS256Tokens(
            settings.jwt_secret,
            settings.jwt_issuer,
            settings.token_ttl_seconds,
            audience=settings.jwt_audience,
        )

    def issue(self, *, user_id: int, role_id: int, org_id: int, org_name: str) -> str:
        """A token carrying exactly the claims the Peerly seed lists (plus ``jti``)."""
        claims = {
            "sub": str(user_id),
            "jti": uuid.uuid4().hex,
            NAMESPACE: {"roleId": role_id, "orgId": org_id, "orgName": org_name},
        }
        return self._tokens.issue(claims)

    def verify(self, token: str) -> TokenClaims:
        """Check the token and return its claims, or raise :class:`InvalidToken`."""
        try:
            claims = self._tokens.decode(token, required=["sub", "aud", "nbf", "jti"])
            private = claims[NAMESPACE]
            return TokenClaims(
                user_id=int(claims["sub"]),
                role_id=int(private["roleId"]),
                org_id=int(private["orgId"]),
                org_name=str(private["orgName"]),
                jti=str(claims["jti"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo),
            )
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(str(exc)) from exc
