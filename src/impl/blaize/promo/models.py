"""Tables of the promo context."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import ID
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


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
