"""HS256 JWTs shared by the APIs: issue with ``iss``/``iat``/``exp`` (and more), verify them all."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import jwt

from contractkit.impl.timeutil import utcnow

ALGORITHM = "HS256"
REMEMBERED_TOKENS = 4096
"""How many verified tokens each API remembers (least recently used forgotten first)."""


class VerifiedTokens:
    """Tokens whose signature and fixed claims were verified, with their claims.

    A client sends the same token with every request; its signature, issuer, audience and
    required claims cannot change, so they are verified once. The time claims are checked again
    on every use: a remembered token is refused the moment it expires.
    """

    def __init__(self, capacity: int = REMEMBERED_TOKENS) -> None:
        self._capacity = capacity
        self._claims: OrderedDict[tuple[str, tuple[str, ...]], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str, required: tuple[str, ...]) -> dict[str, Any] | None:
        """The token's claims if it was verified and is in force now, else None."""
        with self._lock:
            claims = self._claims.get((token, required))
            if claims is None:
                return None
            self._claims.move_to_end((token, required))
        now = time.time()
        in_force = now < claims["exp"] and claims.get("nbf", 0) <= now
        return dict(claims) if in_force else None

    def add(self, token: str, required: tuple[str, ...], claims: dict[str, Any]) -> None:
        with self._lock:
            self._claims[(token, required)] = dict(claims)
            while len(self._claims) > self._capacity:
                self._claims.popitem(last=False)


class HS256Tokens:
    """Signs and verifies one API's tokens: signature, expiry, issuer and, if set, audience."""

    def __init__(
        self, secret: str, issuer: str, ttl_seconds: int, audience: str | None = None
    ) -> None:
        self._secret = secret
        self._issuer = issuer
        self._ttl_seconds = ttl_seconds
        self._audience = audience
        self._verified = VerifiedTokens()

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
        """The verified claims; raises ``jwt.PyJWTError`` for any invalid token.

        A token verified before is not verified again while in force (:class:`VerifiedTokens`).
        """
        key = tuple(required)
        remembered = self._verified.get(token, key)
        if remembered is not None:
            return remembered
        claims = jwt.decode(
            token,
            self._secret,
            algorithms=[ALGORITHM],
            issuer=self._issuer,
            audience=self._audience,
            options={"require": ["iss", "iat", "exp", *required]},
        )
        if isinstance(claims.get("exp"), int | float) and isinstance(
            claims.get("nbf", 0), int | float
        ):
            self._verified.add(token, key, claims)
        return claims
