"""Chainsite JWTs: the caller's user id (an ObjectId) in ``sub``, signed with HS256."""

from __future__ import annotations

import re

import jwt

from contractkit.impl.chainsite.settings import ChainsiteSettings
from contractkit.impl.jwt_hs256 import HS256Tokens

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


class InvalidToken(Exception):
    """The token is malformed, forged, expired or names no valid user id."""


class TokenService:
    def __init__(self, settings: ChainsiteSettings) -> None:
        self._tokens = HS256Tokens(
            settings.jwt_secret, settings.jwt_issuer, settings.token_ttl_seconds
        )

    def issue(self, user_id: str, ttl_seconds: int | None = None) -> str:
        return self._tokens.issue({"sub": user_id}, ttl_seconds)

    def verify(self, token: str) -> str:
        """The user id the token was issued to, or :class:`InvalidToken`."""
        try:
            claims = self._tokens.decode(token, required=["sub"])
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not OBJECT_ID.match(subject.lower()):
            raise InvalidToken("sub is not a 24-character hexadecimal user id")
        return subject.lower()
