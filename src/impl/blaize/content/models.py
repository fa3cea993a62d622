"""Tables of the content context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from contractkit.impl.blaize.tenancy.columns import EMAIL, ID, TENANT
from contractkit.impl.db import Base
from contractkit.impl.timeutil import utcnow


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
