"""Peerly JWTs: issuing and verifying (signature, expiry, not-before, issuer, audience)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from impl.peerly.settings import PeerlySettings
from impl.timeutil import utcnow

ALGORITHM = "HS256"
NAMESPACE = "https://peerly.com"
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]


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
        self._settings = settings

    def issue(self, *, user_id: int, role_id: int, org_id: int, org_name: str) -> str:
        """A token carrying exactly the claims the Peerly seed lists (plus ``jti``)."""
        now = utcnow()
        claims = {
            "iss": self._settings.jwt_issuer,
            "sub": str(user_id),
            "aud": self._settings.jwt_audience,
            "exp": int((now + timedelta(seconds=self._settings.token_ttl_seconds)).timestamp()),
            "nbf": int(now.timestamp()),
            "iat": int(now.timestamp()),
            "jti": uuid.uuid4().hex,
            NAMESPACE: {"roleId": role_id, "orgId": org_id, "orgName": org_name},
        }
        return jwt.encode(claims, self._settings.jwt_secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """Check the token and return its claims, or raise :class:`InvalidToken`."""
        try:
            claims = jwt.decode(
                token,
                self._settings.jwt_secret,
                algorithms=[ALGORITHM],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": REQUIRED_CLAIMS},
            )
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
