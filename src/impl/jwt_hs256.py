"""HS256 JWTs shared by the APIs: issue with ``iss``/``iat``/``exp`` (and more), verify them all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import jwt

from contractkit.impl.timeutil import utcnow

ALGORITHM = "HS256"


class HS256Tokens:
    """Signs and verifies one API's tokens: signature, expiry, issuer and, if set, audience."""

    def __init__(
        self, secret: str, issuer: str, ttl_seconds: int, audience: str | None = None
    ) -> None:
        self._secret = secret
        self._issuer = issuer
        self._ttl_seconds = ttl_seconds
        self._audience = audience

    def issue(self, claims: dict[str, Any], ttl_seconds: int | None = None) -> str:
        """``claims`` plus ``iss``, ``iat`` and ``exp`` (``aud`` and ``nbf`` with an audience)."""
        now = utcnow()
        ttl = self._ttl_seconds if ttl_seconds is None else ttl_seconds
        standard: dict[str, Any] = {
            "iss": self._issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        }
        if self._audience is not None:
            standard |= {"aud": self._audience, "nbf": standard["iat"]}
        return jwt.encode({**standard, **claims}, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str, required: Sequence[str]) -> dict[str, Any]:
        """The verified claims; raises ``jwt.PyJWTError`` for any invalid token."""
        return jwt.decode(
            token,
            self._secret,
            algorithms=[ALGORITHM],
            issuer=self._issuer,
            audience=self._audience,
            options={"require": ["iss", "iat", "exp", *required]},
        )
