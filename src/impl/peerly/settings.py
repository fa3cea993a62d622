"""Settings of the Peerly API (``PEERLY_*`` environment variables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from contractkit.impl.config import ConfigurationError, Settings


@dataclass(frozen=True)
class PeerlySettings:
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


def load_peerly_settings(settings: Settings) -> PeerlySettings:
    secret = settings.secret("PEERLY_JWT_SECRET", "peerly-jwt")
    return PeerlySettings(
        jwt_secret=secret.value,
        jwt_secret_is_development=secret.is_development,
        jwt_issuer=settings.text("PEERLY_JWT_ISSUER", "node.peerly.com"),
        jwt_audience=settings.text("PEERLY_JWT_AUDIENCE", "peerly.com"),
        token_ttl_seconds=settings.integer("PEERLY_TOKEN_TTL_SECONDS", 3600, minimum=60),
        google_tokeninfo_url=settings.text(
            "PEERLY_GOOGLE_TOKENINFO_URL", "https://oauth2.googleapis.com/tokeninfo"
        ),
        google_client_id=settings.text("PEERLY_GOOGLE_CLIENT_ID") or None,
        hi5_quota=settings.integer("PEERLY_HI5_QUOTA", 10),
        organisations=_organisations(settings.text("PEERLY_ORGANISATIONS")),
    )
