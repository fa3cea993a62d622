"""Settings of the Blaize Admin API (``BLAIZE_*`` environment variables)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contractkit.impl.blaize.people.mail_transport import DEFAULT_SENDER, transport_from_url
from contractkit.impl.config import ConfigurationError, Settings

MIB = 1024 * 1024

TENANT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
"""What a tenant identifier looks like."""
MAX_OAUTH_CODE_TTL_SECONDS = 600
"""Authorization codes live at most ten minutes (RFC 6749, section 4.1.2)."""
MAX_WEBHOOK_ATTEMPTS = 50
"""With exponential back-off, more attempts than this would only ever wait the longest wait."""


@dataclass(frozen=True)
class BlaizeSettings:
    """Everything the Blaize handlers read from the environment.

    ``master_key`` derives every keypair's secret key (HKDF, see ``blaize.identity.signing``) and
    the key that encrypts stored certificate private keys; changing it invalidates both.
    """

    master_key: str
    master_key_is_development: bool
    is_production: bool = False
    default_tenant: str = "default"
    initial_admin_email: str | None = None
    initial_admin_password: str | None = None
    admin_session_ttl_seconds: int = 8 * 3600
    user_session_ttl_seconds: int = 14 * 24 * 3600
    oauth_code_ttl_seconds: int = 600
    oauth_access_token_ttl_seconds: int = 3600
    oauth_refresh_token_ttl_seconds: int = 30 * 24 * 3600
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: int = 30
    webhook_timeout_seconds: int = 5
    webhook_poll_seconds: int = 1
    webhook_retention_days: int = 30
    webhook_allow_private: bool = False
    login_account_failures: int = 5
    login_address_failures: int = 20
    login_window_seconds: int = 900
    """Whether webhooks may call loopback, link-local and private addresses."""
    script_time_limit_ms: int = 100
    script_memory_limit_bytes: int = 16 * MIB
    user_jwt_secret: str | None = None
    """HS256 secret of end-user JWTs (the Decision Engine's ``jwt``); None: JWTs identify nobody."""
    user_jwt_issuer: str = "blaize"
    user_jwt_ttl_seconds: int = 3600
    smtp_url: str | None = None
    """Where the flows' mail goes (``blaize.people.mail_transport``); None: ``mail_folder``."""
    mail_folder: str = "var/mail"
    mail_from: str = DEFAULT_SENDER
    mail_max_attempts: int = 8
    mail_poll_seconds: int = 1
    public_url: str | None = None
    """Origin of the links in the flows' mail; None: the origin of the request that starts one."""


def load_blaize_settings(settings: Settings) -> BlaizeSettings:
    master = settings.secret("BLAIZE_MASTER_KEY", "blaize-master-key")
    email = settings.text("BLAIZE_INITIAL_ADMIN_EMAIL") or None
    password = settings.text("BLAIZE_INITIAL_ADMIN_PASSWORD") or None
    if (email is None) != (password is None):
        raise ConfigurationError(
            "BLAIZE_INITIAL_ADMIN_EMAIL and BLAIZE_INITIAL_ADMIN_PASSWORD are set together"
        )
    if email is not None and "@" not in email:
        raise ConfigurationError("BLAIZE_INITIAL_ADMIN_EMAIL must be an e-mail address")
    tenant = settings.text("BLAIZE_DEFAULT_TENANT", "default")
    if not TENANT_NAME.match(tenant):
        raise ConfigurationError("BLAIZE_DEFAULT_TENANT must be 1-63 letters, digits, '-' or '_'")
    code_ttl = settings.integer("BLAIZE_OAUTH_CODE_TTL_SECONDS", 600, minimum=10)
    if code_ttl > MAX_OAUTH_CODE_TTL_SECONDS:
        raise ConfigurationError(
            f"BLAIZE_OAUTH_CODE_TTL_SECONDS must be at most {MAX_OAUTH_CODE_TTL_SECONDS}"
        )
    webhook_attempts = settings.integer("BLAIZE_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
    if webhook_attempts > MAX_WEBHOOK_ATTEMPTS:
        raise ConfigurationError(
            f"BLAIZE_WEBHOOK_MAX_ATTEMPTS must be at most {MAX_WEBHOOK_ATTEMPTS}"
        )
    return BlaizeSettings(
        master_key=master.value,
        master_key_is_development=master.is_development,
        is_production=settings.is_production,
        default_tenant=tenant,
        initial_admin_email=email.lower() if email else None,
        initial_admin_password=password,
        admin_session_ttl_seconds=settings.integer(
            "BLAIZE_ADMIN_SESSION_TTL_SECONDS", 8 * 3600, minimum=60
        ),
        user_session_ttl_seconds=settings.integer(
            "BLAIZE_USER_SESSION_TTL_SECONDS", 14 * 24 * 3600, minimum=60
        ),
        oauth_code_ttl_seconds=code_ttl,
        oauth_access_token_ttl_seconds=settings.integer(
            "BLAIZE_OAUTH_ACCESS_TOKEN_TTL_SECONDS", 3600, minimum=60
        ),
        oauth_refresh_token_ttl_seconds=settings.integer(
            "BLAIZE_OAUTH_REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600, minimum=60
        ),
        argon2_time_cost=settings.integer("BLAIZE_ARGON2_TIME_COST", 3, minimum=1),
        argon2_memory_kib=settings.integer("BLAIZE_ARGON2_MEMORY_KIB", 65536, minimum=64),
        webhook_max_attempts=webhook_attempts,
        webhook_backoff_seconds=settings.integer("BLAIZE_WEBHOOK_BACKOFF_SECONDS", 30, minimum=1),
        webhook_timeout_seconds=settings.integer("BLAIZE_WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1),
        webhook_poll_seconds=settings.integer("BLAIZE_WEBHOOK_POLL_SECONDS", 1, minimum=1),
        webhook_retention_days=settings.integer("BLAIZE_WEBHOOK_RETENTION_DAYS", 30, minimum=1),
        login_account_failures=settings.integer("BLAIZE_LOGIN_MAX_FAILURES", 5, minimum=1),
        login_address_failures=settings.integer("BLAIZE_LOGIN_ADDRESS_MAX_FAILURES", 20, minimum=1),
        login_window_seconds=settings.integer("BLAIZE_LOGIN_WINDOW_SECONDS", 900, minimum=1),
        webhook_allow_private=settings.text("BLAIZE_WEBHOOK_ALLOW_PRIVATE", "0").lower()
        in ("1", "true", "yes"),
        script_time_limit_ms=settings.integer("BLAIZE_SCRIPT_TIME_LIMIT_MS", 100, minimum=1),
        script_memory_limit_bytes=settings.integer(
            "BLAIZE_SCRIPT_MEMORY_LIMIT_BYTES", 16 * MIB, minimum=MIB
        ),
        user_jwt_secret=_user_jwt_secret(settings),
        user_jwt_issuer=settings.text("BLAIZE_USER_JWT_ISSUER", "blaize"),
        user_jwt_ttl_seconds=settings.integer("BLAIZE_USER_JWT_TTL_SECONDS", 3600, minimum=60),
        **_mail_settings(settings),
    )


def _mail_settings(settings: Settings) -> dict[str, Any]:
    """``BLAIZE_SMTP_URL`` (or ``SMTP_URL``), ``BLAIZE_MAIL_FROM`` and the worker's limits."""
    smtp_url = settings.text("BLAIZE_SMTP_URL") or settings.text("SMTP_URL") or None
    sender = settings.text("BLAIZE_MAIL_FROM", DEFAULT_SENDER)
    if "@" not in sender:
        raise ConfigurationError("BLAIZE_MAIL_FROM must hold an e-mail address")
    transport_from_url(smtp_url, settings.data_dir / "mail", sender)  # refuses a malformed URL now
    public_url = settings.text("CONTRACTKIT_PUBLIC_URL").rstrip("/") or None
    return {
        "smtp_url": smtp_url,
        "mail_folder": str(settings.data_dir / "mail"),
        "mail_from": sender,
        "mail_max_attempts": settings.integer("BLAIZE_MAIL_MAX_ATTEMPTS", 8, minimum=1),
        "mail_poll_seconds": settings.integer("BLAIZE_MAIL_POLL_SECONDS", 1, minimum=1),
        "public_url": public_url,
    }


def _user_jwt_secret(settings: Settings) -> str | None:
    """``BLAIZE_USER_JWT_SECRET``; generated in development, optional in production."""
    if settings.is_production and not settings.text("BLAIZE_USER_JWT_SECRET"):
        return None
    return settings.secret("BLAIZE_USER_JWT_SECRET", "blaize-user-jwt-secret").value
