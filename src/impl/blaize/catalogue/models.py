"""Tables of the catalogue context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import ID
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


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
