"""Settings of the reference implementation, read from environment variables.

Every setting has a working default so that ``contractkit serve all`` needs no set-up:
a SQLite file and local folders under ``CONTRACTKIT_DATA_DIR`` (``./var`` by default).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEVELOPMENT = "development"
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed."""


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def _organisations(raw: str) -> dict[str, str]:
    """Parse ``"Example Corp=example.com,Acme=acme.test"`` into ``{domain: name}``."""
    result: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, domain = item.rpartition("=")
        if not sep or not name.strip() or not domain.strip():
            raise ConfigurationError(
                f"PEERLY_ORGANISATIONS entries look like 'Name=domain.com', not {item!r}"
            )
        result[domain.strip().lower()] = name.strip()
    return result


@dataclass(frozen=True)
class PeerlySettings:
    """Settings of the Peerly API."""

    jwt_secret: str
    jwt_secret_is_development: bool
    jwt_issuer: str = "node.peerly.com"
    jwt_audience: str = "peerly.com"
    token_ttl_seconds: int = 3600
    google_tokeninfo_url: str = "https://oauth2.googleapis.com/tokeninfo"
    google_client_id: str | None = None
    identity_timeout_seconds: float = 5.0
    hi5_quota: int = 10
    organisations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """Settings shared by every API of the reference implementation."""

    environment: str
    data_dir: Path
    database_url: str
    peerly: PeerlySettings


def _development_secret(data_dir: Path, name: str) -> str:
    """A random signing secret kept in the data folder, created on first use."""
    path = data_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (the process environment by default)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("CONTRACTKIT_ENV", DEVELOPMENT)
    if environment not in (DEVELOPMENT, PRODUCTION):
        raise ConfigurationError(
            f"CONTRACTKIT_ENV must be {DEVELOPMENT!r} or {PRODUCTION!r}, not {environment!r}"
        )
    data_dir = Path(env.get("CONTRACTKIT_DATA_DIR", "var")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'contractkit.db'}"

    secret = env.get("PEERLY_JWT_SECRET", "")
    is_development_secret = False
    if not secret:
        if environment == PRODUCTION:
            raise ConfigurationError(
                "PEERLY_JWT_SECRET must be set when CONTRACTKIT_ENV=production"
            )
        secret = _development_secret(data_dir, "peerly-jwt")
        is_development_secret = True
    elif len(secret) < 32:
        raise ConfigurationError("PEERLY_JWT_SECRET must be at least 32 characters long")

    peerly = PeerlySettings(
        jwt_secret=secret,
        jwt_secret_is_development=is_development_secret or environment == DEVELOPMENT,
        jwt_issuer=env.get("PEERLY_JWT_ISSUER", "node.peerly.com"),
        jwt_audience=env.get("PEERLY_JWT_AUDIENCE", "peerly.com"),
        token_ttl_seconds=_int(env, "PEERLY_TOKEN_TTL_SECONDS", 3600, minimum=60),
        google_tokeninfo_url=env.get(
            "PEERLY_GOOGLE_TOKENINFO_URL", "https://oauth2.googleapis.com/tokeninfo"
        ),
        google_client_id=env.get("PEERLY_GOOGLE_CLIENT_ID") or None,
        hi5_quota=_int(env, "PEERLY_HI5_QUOTA", 10),
        organisations=_organisations(env.get("PEERLY_ORGANISATIONS", "")),
    )
    return Settings(
        environment=environment, data_dir=data_dir, database_url=database_url, peerly=peerly
    )
