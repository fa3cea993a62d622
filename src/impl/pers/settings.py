"""Settings of the PERS API (``PERS_*`` environment variables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from contractkit.impl.config import ConfigurationError, Settings

TENANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MIN_PROJECT_KEY_LENGTH = 16


@dataclass(frozen=True)
class PersSettings:
    jwt_secret: str
    jwt_secret_is_development: bool
    jwt_issuer: str = "pers"
    token_ttl_seconds: int = 3600
    project_keys: dict[str, str] = field(default_factory=dict)
    """Configured project keys: ``{key: tenant}``."""
    max_upload_bytes: int = 10 * 1024 * 1024
    signed_url_ttl_seconds: int = 300
    public_url: str | None = None


def check_tenant(tenant: str, source: str) -> str:
    if not TENANT.match(tenant):
        raise ConfigurationError(
            f"{source}: a tenant is 1-64 lowercase letters, digits, '_' or '-', not {tenant!r}"
        )
    return tenant


def _project_keys(raw: str) -> dict[str, str]:
    """Parse ``"acme=key1,globex=key2"`` into ``{key: tenant}``."""
    keys: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        tenant, sep, key = item.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError("PERS_PROJECT_KEYS entries look like 'tenant=project-key'")
        key = key.strip()
        if len(key) < MIN_PROJECT_KEY_LENGTH:
            raise ConfigurationError(
                f"PERS_PROJECT_KEYS: keys have at least {MIN_PROJECT_KEY_LENGTH} characters"
            )
        keys[key] = check_tenant(tenant.strip(), "PERS_PROJECT_KEYS")
    return keys


def load_pers_settings(settings: Settings) -> PersSettings:
    secret = settings.secret("PERS_JWT_SECRET", "pers-jwt")
    return PersSettings(
        jwt_secret=secret.value,
        jwt_secret_is_development=secret.is_development,
        jwt_issuer=settings.text("PERS_JWT_ISSUER", "pers"),
        token_ttl_seconds=settings.integer("PERS_TOKEN_TTL_SECONDS", 3600, minimum=60),
        project_keys=_project_keys(settings.text("PERS_PROJECT_KEYS")),
        max_upload_bytes=settings.integer("PERS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1),
        signed_url_ttl_seconds=settings.integer("PERS_SIGNED_URL_TTL_SECONDS", 300, minimum=1),
        public_url=settings.text("CONTRACTKIT_PUBLIC_URL").rstrip("/") or None,
    )
