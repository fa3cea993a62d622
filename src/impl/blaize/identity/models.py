"""Tables of the identity context."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import EMAIL, ID
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class AdminUser(Base):
    """An admin user of the Admin API; e-mail addresses are unique across tenants."""

    __tablename__ = "blaize_admin_users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(EMAIL, unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    home_tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdminRole(Base):
    """A role of the admin user with ``email`` in a tenant (the user may not exist yet)."""

    __tablename__ = "blaize_admin_roles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email", "role", name="uq_blaize_admin_roles_assignment"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    email: Mapped[str] = mapped_column(EMAIL, index=True)
    role: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdminSession(Base):
    """A logged-in admin; only the SHA-256 of the session id is stored."""

    __tablename__ = "blaize_admin_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_admin_users.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Keypair(Base):
    """An admin keypair; the secret is derived from the master key and ``salt``, never stored."""

    __tablename__ = "blaize_keypairs"

    access_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_admin_users.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UsedNonce(Base):
    """A nonce seen with an access key, remembered until a replay could no longer pass."""

    __tablename__ = "blaize_used_nonces"

    access_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ConfigurationSetting(Base):
    __tablename__ = "blaize_configuration"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Cert(Base):
    """The tenant's TLS certificate; the private key is stored encrypted (AES-GCM)."""

    __tablename__ = "blaize_certs"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    certificate_pem: Mapped[str] = mapped_column(Text)
    encrypted_private_key: Mapped[str] = mapped_column(Text)
    fingerprint_sha256: Mapped[str] = mapped_column(String(64))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OAuthCode(Base):
    """An OAuth2 authorization code: single-use, short-lived, bound to a client and redirect URI.

    Only the SHA-256 of the code is stored.
    """

    __tablename__ = "blaize_oauth_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(Text)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OAuthToken(Base):
    """An access or refresh token issued for an authorization code; only its SHA-256 is stored.

    ``code_hash`` names the code the token descends from (also through refreshes), so that a
    second use of the code can revoke every token issued for it.
    """

    __tablename__ = "blaize_oauth_tokens"
    __table_args__ = (CheckConstraint("kind IN ('access', 'refresh')", name="kind"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Failed logins counted under one key (an account, or a client address) in a window.

    Keys are SHA-256 digests, so neither e-mail addresses nor client addresses are stored.
    """

    __tablename__ = "blaize_login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
