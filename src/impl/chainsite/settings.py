"""Settings of the Chainsite API (``CHAINSITE_*`` environment variables)."""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.impl.config import ConfigurationError, Settings

DEFAULT_ALLOWED_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "image/heic",
    "image/avif",
    "application/pdf",
    "text/plain",
    "application/json",
    "application/zip",
    "application/gzip",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "audio/mpeg",
    "audio/x-wav",
    "audio/ogg",
    "application/octet-stream",
)
"""Accepted upload types by default; markup a browser would run (HTML, SVG) and executables
are not among them."""


@dataclass(frozen=True)
class ChainsiteSettings:
    jwt_secret: str
    jwt_secret_is_development: bool
    jwt_issuer: str = "chainsite"
    token_ttl_seconds: int = 3600
    max_upload_bytes: int = 10 * 1024 * 1024
    allowed_types: tuple[str, ...] = DEFAULT_ALLOWED_TYPES
    signed_url_ttl_seconds: int = 300
    public_url: str | None = None


def _types(raw: str) -> tuple[str, ...]:
    types = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    for item in types:
        main, _, sub = item.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            raise ConfigurationError(
                f"CHAINSITE_ALLOWED_TYPES holds MIME types like image/png or image/*, not {item!r}"
            )
    return types


def load_chainsite_settings(settings: Settings) -> ChainsiteSettings:
    secret = settings.secret("CHAINSITE_JWT_SECRET", "chainsite-jwt")
    allowed = settings.text("CHAINSITE_ALLOWED_TYPES")
    return ChainsiteSettings(
        jwt_secret=secret.value,
        jwt_secret_is_development=secret.is_development,
        jwt_issuer=settings.text("CHAINSITE_JWT_ISSUER", "chainsite"),
        token_ttl_seconds=settings.integer("CHAINSITE_TOKEN_TTL_SECONDS", 3600, minimum=60),
        max_upload_bytes=settings.integer(
            "CHAINSITE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1
        ),
        allowed_types=_types(allowed) if allowed else DEFAULT_ALLOWED_TYPES,
        signed_url_ttl_seconds=settings.integer("CHAINSITE_SIGNED_URL_TTL_SECONDS", 300, minimum=1),
        public_url=settings.text("CONTRACTKIT_PUBLIC_URL").rstrip("/") or None,
    )
