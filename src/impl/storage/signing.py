"""Signed URLs of the local storage: an HMAC over method, object key and expiry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


class UrlSigner:
    """Signs and checks ``(method, key, expires)`` with a secret, in constant time."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")

    def signature(self, method: str, key: str, expires: int) -> str:
        message = f"{method.upper()}\n{key}\n{expires}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def expiry(self, ttl_seconds: int, now: float | None = None) -> int:
        """The Unix time ``ttl_seconds`` from ``now``."""
        return int(now if now is not None else time.time()) + ttl_seconds

    def is_valid(
        self,
        method: str,
        key: str,
        expires: int | None,
        signature: str | None,
        now: float | None = None,
    ) -> bool:
        """True only for an untampered signature whose expiry has not passed."""
        if expires is None or not signature:
            return False
        expected = self.signature(method, key, expires)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
            return False
        return expires >= int(now if now is not None else time.time())
