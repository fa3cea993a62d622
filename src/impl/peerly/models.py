"""Peerly tables."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


class Role(IntEnum):
    """Peerly roles; the value is the ``role_id`` of the API."""

    EMPLOYEE = 1
    ADMIN = 2
    SUPERADMIN = 3


class Organisation(Base):
    __tablename__ = "peerly_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "peerly_users"
    __table_args__ = (CheckConstraint("role_id IN (1, 2, 3)", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("peerly_organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100))
    profile_image_url: Mapped[str | None] = mapped_column(String(2048))
    role_id: Mapped[int] = mapped_column(Integer, default=int(Role.EMPLOYEE))
    hi5_quota_balance: Mapped[int] = mapped_column(Integer)
    soft_delete_by: Mapped[int | None] = mapped_column(ForeignKey("peerly_users.id"))
    soft_delete_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_deleted(self) -> bool:
        return self.soft_delete_at is not None


class CoreValue(Base):
    __tablename__ = "peerly_core_values"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("peerly_organisations.id"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    parent_core_value_id: Mapped[int | None] = mapped_column(ForeignKey("peerly_core_values.id"))
    thumbnail_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recognition(Base):
    __tablename__ = "peerly_recognitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("peerly_organisations.id"), index=True)
    core_value_id: Mapped[int] = mapped_column(ForeignKey("peerly_core_values.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    given_for: Mapped[int] = mapped_column(ForeignKey("peerly_users.id"), index=True)
    given_by: Mapped[int] = mapped_column(ForeignKey("peerly_users.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hi5_count: Mapped[int] = mapped_column(Integer, default=0)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    core_value: Mapped[CoreValue] = relationship(lazy="joined")


class Hi5(Base):
    __tablename__ = "peerly_hi5s"
    __table_args__ = (UniqueConstraint("recognition_id", "given_by", name="uq_peerly_hi5_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("peerly_recognitions.id"))
    given_by: Mapped[int] = mapped_column(ForeignKey("peerly_users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Base):
    __tablename__ = "peerly_reports"
    __table_args__ = (
        UniqueConstraint("recognition_id", "reported_by", name="uq_peerly_report_once"),
        CheckConstraint("mark_as IN ('fraud', 'not_relevant', 'incorrect')", name="mark_as"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("peerly_recognitions.id"))
    reported_by: Mapped[int] = mapped_column(ForeignKey("peerly_users.id"))
    mark_as: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    __tablename__ = "peerly_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("peerly_recognitions.id"), index=True)
    reviewed_by: Mapped[int] = mapped_column(ForeignKey("peerly_users.id"))
    is_inappropriate: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RevokedToken(Base):
    """Tokens revoked by logout, kept until they would have expired anyway."""

    __tablename__ = "peerly_revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
