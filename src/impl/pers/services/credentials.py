"""Who is calling PERS, and for which tenant: JWTs and project keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select

from contractkit.impl.db import Database
from contractkit.impl.jwt_hs256 import HS256Tokens
from contractkit.impl.pers.models import ProjectKey
from contractkit.impl.pers.settings import TENANT, PersSettings

ROLES = ("admin", "business", "user")


class InvalidCredentials(Exception):
    """The token or key is malformed, forged, expired or unknown."""


@dataclass(frozen=True)
class Caller:
    subject: str
    tenant: str
    role: str

    def as_token_info(self) -> dict[str, Any]:
        return {"sub": self.subject, "tenant": self.tenant, "role": self.role}


class PersTokens:
    def __init__(self, settings: PersSettings) -> None:
        self._tokens = HS256Tokens(
            settings.jwt_secret, settings.jwt_issuer, settings.token_ttl_seconds
        )

    def issue(self, *, subject: str, tenant: str, role: str, ttl_seconds: int | None = None) -> str:
        return self._tokens.issue({"sub": subject, "tenant": tenant, "role": role}, ttl_seconds)

    def verify(self, token: str) -> Caller:
        try:
            claims = self._tokens.decode(token, required=["sub", "tenant", "role"])
        except jwt.PyJWTError as exc:
            raise InvalidCredentials(str(exc)) from exc
        subject, tenant, role = claims["sub"], claims["tenant"], claims["role"]
        if not (isinstance(subject, str) and subject and isinstance(tenant, str)):
            raise InvalidCredentials("sub and tenant must be strings")
        if not TENANT.match(tenant) or role not in ROLES:
            raise InvalidCredentials("unknown tenant form or role")
        return Caller(subject, tenant, role)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ProjectKeys:
    """Project keys from configuration, plus those created with ``contractkit token pers``."""

    def __init__(self, settings: PersSettings, db: Database) -> None:
        self._configured = {
            key_digest(key): tenant for key, tenant in settings.project_keys.items()
        }
        self._db = db

    def tenant_of(self, key: str) -> str:
        digest = key_digest(key)
        for known, tenant in self._configured.items():
            if hmac.compare_digest(known, digest):
                return tenant
        with self._db.transaction() as session:
            stored = session.scalar(select(ProjectKey).where(ProjectKey.key_digest == digest))
        if stored is None:
            raise InvalidCredentials("unknown project key")
        return stored.tenant

    def create(self, tenant: str) -> str:
        """A new random key for ``tenant``; only its digest is kept."""
        key = f"pk_{secrets.token_urlsafe(32)}"
        with self._db.transaction() as session:
            session.add(ProjectKey(tenant=tenant, key_digest=key_digest(key)))
        return key
