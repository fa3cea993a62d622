"""Password hashing with Argon2id (argon2-cffi), tuned by the Blaize settings."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contractkit.impl.blaize.settings import BlaizeSettings


class Passwords:
    """Hashes and checks passwords; unknown accounts cost as much time as known ones."""

    def __init__(self, settings: BlaizeSettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        self._decoy = self._hasher.hash("decoy password that matches nothing")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash``; a missing hash never matches."""
        try:
            return self._hasher.verify(stored_hash or self._decoy, password) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False
