"""Blaize tables: tenants, admin identity and access, end users, accounts and grants, the
catalogue and its usage, content, webhooks and their deliveries, promo codes, request rules.

Every tenant-owned row carries ``tenant_id``; handlers look rows up through the caller's
tenant only, so one tenant never sees another's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow

ID = String(64)
EMAIL = String(320)
TENANT = String(63)


class Tenant(Base):
    """A Blaize tenant; ``installed_at`` is set by ``POST /v3/initialize`` (or devtokens)."""

    __tablename__ = "blaize_tenants"

    id: Mapped[str] = mapped_column(TENANT, primary_key=True)
    installed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


class Grant(Base):
    """A product granted to exactly one user or one account; ids are unique per tenant."""

    __tablename__ = "blaize_grants"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (account_id IS NULL)", name="one_holder"),
        CheckConstraint(
            "entitlement_type IN ('entitlement', 'bundle', 'meter', 'credit')",
            name="entitlement_type",
        ),
    )

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("blaize_accounts.id", ondelete="CASCADE"), index=True
    )
    entitlement_type: Mapped[str] = mapped_column(String(20))
    entitlement_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A message the API sent (e-mail links of the user flows); the default sender's store."""

    __tablename__ = "blaize_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


# --- Catalogue and metering: entitlements, bundles, meters, credits, products, gifts ---------


class CatalogueRow:
    """Columns every sellable or grantable product shares; ids are chosen per tenant."""

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    auto_assign: Mapped[str] = mapped_column(String(20), default="none")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Entitlement(CatalogueRow, Base):
    """The right to access some content."""

    __tablename__ = "blaize_entitlements"


class Bundle(CatalogueRow, Base):
    """Products delivered together; ``includes`` is kept as written (links index it)."""

    __tablename__ = "blaize_bundles"

    includes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Meter(CatalogueRow, Base):
    """``limit`` units per period that deliver the entitlements in ``delivers``."""

    __tablename__ = "blaize_meters"

    unit: Mapped[str | None] = mapped_column(Text)
    limit: Mapped[int] = mapped_column(Integer, default=0)
    cycle: Mapped[str] = mapped_column(String(20), default="calendar")
    period: Mapped[str] = mapped_column(String(20), default="monthly")
    timezone: Mapped[str] = mapped_column(String(8), default="+0:00")
    delivers: Mapped[list[str]] = mapped_column(JSON, default=list)


class Credit(CatalogueRow, Base):
    """``quantity`` units per grant that deliver the entitlements in ``delivers``."""

    __tablename__ = "blaize_credits"

    unit: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    delivers: Mapped[list[str]] = mapped_column(JSON, default=list)


class Product(Base):
    """What is sold, and the bundle a purchase grants (``entitlement``, kept as written)."""

    __tablename__ = "blaize_products"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    entitlement: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CatalogueLink(Base):
    """One reference of a bundle, meter, credit or product to another product, by position.

    The index of what refers to a product: deleting a referenced product is refused.
    """

    __tablename__ = "blaize_catalogue_links"
    __table_args__ = (Index("ix_blaize_catalogue_links_item", "tenant_id", "item_kind", "item_id"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    owner_id: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(Text)


class MeterUsage(Base):
    """Views counted for a subject (``user:<id>`` or ``anonymous:<opaque>``) in one period."""

    __tablename__ = "blaize_meter_usage"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    meter_id: Mapped[str] = mapped_column(Text, primary_key=True)
    subject: Mapped[str] = mapped_column(Text, primary_key=True)
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used: Mapped[int] = mapped_column(Integer, default=0)


class MeterAnchor(Base):
    """When a subject's first view of a ``rolling`` meter was counted: its periods start there."""

    __tablename__ = "blaize_meter_anchors"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    meter_id: Mapped[str] = mapped_column(Text, primary_key=True)
    subject: Mapped[str] = mapped_column(Text, primary_key=True)
    anchor: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditUsage(Base):
    """Units of a credit a user has spent."""

    __tablename__ = "blaize_credit_usage"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    credit_id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    used: Mapped[int] = mapped_column(Integer, default=0)


class Gift(Base):
    """Access to one path for whoever claims the gift first; ``path_key`` is ``uri`` compared."""

    __tablename__ = "blaize_gifts"
    __table_args__ = (Index("ix_blaize_gifts_claimed_by", "tenant_id", "claimed_by"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    uri: Mapped[str] = mapped_column(Text)
    path_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(Text)
    cross_device_session: Mapped[str | None] = mapped_column(Text)


# ----------------------------------------------------------------------------- promo codes


class PromoCode(Base):
    """A Braintree promo code of a tenant: the ``code`` customers enter, unique per tenant.

    ``discount`` is a percentage unless ``absolute_discount``; ``billing_cycles`` is unset when
    the discount lasts for every billing cycle, ``claim_limit`` when the code has no limit.
    The unique constraint's index, led by ``tenant_id``, also serves the tenant's listing.
    """

    __tablename__ = "blaize_promo_codes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code", name="uq_blaize_promo_codes_code"),
        CheckConstraint("claimed >= 0", name="claimed"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"))
    code: Mapped[str] = mapped_column(Text)
    discount_id: Mapped[str] = mapped_column(Text)
    discount: Mapped[float] = mapped_column(Double)
    billing_cycles: Mapped[int | None] = mapped_column(Integer)
    claim_limit: Mapped[int | None] = mapped_column(Integer)
    claimed: Mapped[int] = mapped_column(Integer, default=0)
    absolute_discount: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- Content: forms, static items, cache configurations and origin cache, feature rules ---


class Form(Base):
    """A form shown to users; its fields (``FormField``) refer to User Schema fields."""

    __tablename__ = "blaize_forms"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    slug: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    internal_description: Mapped[str | None] = mapped_column(Text)
    public_description: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FormField(Base):
    """One field of a form, at ``position`` in the order the form lists its fields."""

    __tablename__ = "blaize_form_fields"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "form_slug"],
            ["blaize_forms.tenant_id", "blaize_forms.slug"],
            name="fk_blaize_form_fields_form",
            ondelete="CASCADE",
        ),
        UniqueConstraint(
            "tenant_id", "form_slug", "field_slug", name="uq_blaize_form_fields_field"
        ),
    )

    tenant_id: Mapped[str] = mapped_column(TENANT, primary_key=True)
    form_slug: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_slug: Mapped[str] = mapped_column(Text)
    placeholder: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool | None] = mapped_column(Boolean)
    display_order: Mapped[int | None] = mapped_column(Integer)


class StaticItem(Base):
    """A piece of content stored under an identifier the client chooses."""

    __tablename__ = "blaize_static_items"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    item: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CacheConfiguration(Base):
    """Which requests the CDN caches; ``conditions`` and ``cache`` hold the documented members."""

    __tablename__ = "blaize_cache_configurations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cache: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OriginEviction(Base):
    """An eviction of cached origin responses: who asked, when, the pattern, what it evicted.

    The admin user is kept by id and e-mail address, without a foreign key, so that the record
    outlives the admin user.
    """

    __tablename__ = "blaize_origin_evictions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    admin_user_id: Mapped[str] = mapped_column(ID)
    requested_by: Mapped[str] = mapped_column(EMAIL)
    pattern: Mapped[str] = mapped_column(Text)
    evicted_paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CachedOriginResponse(Base):
    """The CDN's cached origin response for a path; evicted ones keep which eviction did it."""

    __tablename__ = "blaize_cached_origin_responses"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    configuration_id: Mapped[str | None] = mapped_column(ID)
    cached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    evicted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    eviction_id: Mapped[str | None] = mapped_column(
        ForeignKey("blaize_origin_evictions.id", name="fk_blaize_cached_origin_responses_eviction"),
        index=True,
    )


class FeatureRuleCounter(Base):
    """Every feature rule identifier used in a tenant, with the last version number issued.

    Kept when the rule's versions, or the rule, are deleted, so that numbers are never reused.
    """

    __tablename__ = "blaize_feature_rule_counters"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    rule_id: Mapped[str] = mapped_column(Text, primary_key=True)
    last_version: Mapped[int] = mapped_column(Integer, default=0)


class FeatureRuleVersion(Base):
    """One immutable version of a feature rule; the rule exists while it has versions."""

    __tablename__ = "blaize_feature_rule_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "rule_id"],
            ["blaize_feature_rule_counters.tenant_id", "blaize_feature_rule_counters.rule_id"],
            name="fk_blaize_feature_rule_versions_rule",
        ),
    )

    tenant_id: Mapped[str] = mapped_column(TENANT, primary_key=True)
    rule_id: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    requirements_script: Mapped[str | None] = mapped_column(Text)
    action_script: Mapped[str | None] = mapped_column(Text)
    script_type: Mapped[str | None] = mapped_column(Text)
    graph_state: Mapped[str | None] = mapped_column(Text)
    editing_mode: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeatureRuleTag(Base):
    """A tag of a feature rule, on exactly one of its versions (tags move between versions)."""

    __tablename__ = "blaize_feature_rule_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "rule_id", "version"],
            [
                "blaize_feature_rule_versions.tenant_id",
                "blaize_feature_rule_versions.rule_id",
                "blaize_feature_rule_versions.version",
            ],
            name="fk_blaize_feature_rule_tags_version",
            ondelete="CASCADE",
        ),
    )

    tenant_id: Mapped[str] = mapped_column(TENANT, primary_key=True)
    rule_id: Mapped[str] = mapped_column(Text, primary_key=True)
    tag: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


# ----------------------------------------------------------------------------- webhooks


class Webhook(Base):
    """A tenant's webhook; its signing secret is derived from the master key and ``salt``."""

    __tablename__ = "blaize_webhooks"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    method: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """One event to send to one webhook (the outbox row), written with the change itself.

    ``payload`` is the exact JSON body sent on every attempt. ``claims`` counts the times a
    dispatcher took the delivery, so that two dispatchers never send it at once.
    """

    __tablename__ = "blaize_webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_webhooks.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(ID)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class WebhookAttempt(Base):
    """One call of a webhook's target: the answer's status code, or the error."""

    __tablename__ = "blaize_webhook_attempts"

    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("blaize_webhook_deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


# --- Request rules (the Decision Engine's rules) ---------------------------------------------


class RequestRule(Base):
    """A request rule: conditions on the path and method, and the scripts that decide.

    Rules are evaluated in creation order (``created_at``, then ``id``); replacing a rule
    keeps its place.
    """

    __tablename__ = "blaize_request_rules"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("blaize_tenants.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    url_pattern: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    requirements_script: Mapped[str | None] = mapped_column(Text)
    action_script: Mapped[str | None] = mapped_column(Text)
    script_type: Mapped[str] = mapped_column(String(40))
    graph_state: Mapped[str | None] = mapped_column(Text)
    editing_mode: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
