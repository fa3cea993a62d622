"""Chainsite JWTs: the caller's user id (an ObjectId) in ``sub``, signed with HS256."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt

from impl.chainsite.settings import ChainsiteSettings
from impl.timeutil import utcnow

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "iat", "exp", "iss"]
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


class InvalidToken(Exception):
    """The token is malformed, forged, expired or names no valid user id."""


class TokenService:
    def __init__(self, settings: ChainsiteSettings) -> None:
        self._settings = settings

    def issue(self, user_id: str, ttl_seconds: int | None = None) -> str:
        now = utcnow()
        ttl = ttl_seconds if ttl_seconds is not None else self._settings.token_ttl_seconds
        claims = {
            "sub": user_id,
            "iss": self._settings.jwt_issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        }
        return jwt.encode(claims, self._settings.jwt_secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> str:
        """The user id the token was issued to, or :class:`InvalidToken`."""
        try:
            claims = jwt.decode(
                token,
                self._settings.jwt_secret,
                algorithms=[ALGORITHM],
                issuer=self._settings.jwt_issuer,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not OBJECT_ID.match(subject.lower()):
            raise InvalidToken("sub is not a 24-character hexadecimal user id")
        return subject.lower()
