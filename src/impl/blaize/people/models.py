"""Tables of the people context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import ID
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class Company(Base):
    __tablename__ = "blaize_companies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    account_manager: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Account(Base):
    __tablename__ = "blaize_accounts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    company_id: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    number_of_seats: Mapped[int | None] = mapped_column(Integer)
    allow_oversubscription: Mapped[bool | None] = mapped_column(Boolean)
    notify_when_account_oversubscribed: Mapped[bool | None] = mapped_column(Boolean)
    notify_on_each_registration_when_account_is_oversubscribed: Mapped[bool | None] = mapped_column(
        Boolean
    )
    registration_code: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    """An end user of a tenant."""

    __tablename__ = "blaize_users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    legacy_password_hash: Mapped[str | None] = mapped_column(Text)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserIdentifier(Base):
    """One identifier of a user (``email_address`` and any other); unique per tenant."""

    __tablename__ = "blaize_user_identifiers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name", "value", name="uq_blaize_user_identifiers_value"),
    )

    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    value: Mapped[str] = mapped_column(Text)


class UserForeignKey(Base):
    """The user's identifier in a foreign system; one user per (key, value) in a tenant."""

    __tablename__ = "blaize_user_foreign_keys"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key", "value", name="uq_blaize_user_foreign_keys_value"),
    )

    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    value: Mapped[str] = mapped_column(Text)


class UserSchemaField(Base):
    """A field of the tenant's User Schema; ``definition`` holds its documented properties."""

    __tablename__ = "blaize_user_schema_fields"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    slug: Mapped[str] = mapped_column(Text, primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AccountUser(Base):
    __tablename__ = "blaize_account_users"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A message to send (the e-mail links of the user flows), written in the flow's own
    transaction and sent by the mail worker (``blaize.people.mail_delivery``).

    ``status`` is ``pending`` until sent (``sent``) or given up (``failed``); ``claims`` counts
    the workers' claims, so that two workers never send one message; once sent, ``body`` and
    ``link`` are cleared (they carry the flow's token).
    """

    __tablename__ = "blaize_outbox"
    __table_args__ = (
        Index("ix_blaize_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    link: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class UserToken(Base):
    """A single-use, expiring token of a user flow; only its SHA-256 is stored."""

    __tablename__ = "blaize_user_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """An end-user session (per site, possibly anonymous).

    The Admin API answers session ids in lookups, so besides the digest used to find a
    session, the id is kept sealed (AES-GCM under the master key), never in clear.
    """

    __tablename__ = "blaize_user_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    id_sealed: Mapped[str] = mapped_column(Text)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), index=True
    )
    site: Mapped[str | None] = mapped_column(Text)
    authenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    variables: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class UserExtendedProfile(Base):
    """A user's extended profile for one app (written by the user-facing side, exported here)."""

    __tablename__ = "blaize_user_extended_profiles"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), primary_key=True
    )
    app_id: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
