"""Feature rules: numbered, immutable versions of a rule, and the tags naming them.

A rule exists while it has versions. Its counter row (``FeatureRuleCounter``) outlives its
versions and the rule itself, so a version number is never issued twice under one rule id.
A tag names at most one version of a rule: saving it on a version moves it there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import (
    FeatureRuleCounter,
    FeatureRuleTag,
    FeatureRuleVersion,
)
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import conflict, not_found

LAST_VERSION = 2_147_483_647  # the largest number an integer column holds everywhere

Tags = dict[tuple[str, int], list[str]]
"""Tag names by (rule id, version number)."""


def rule_tags(session: Session, tenant_id: str, rule_id: str | None = None) -> Tags:
    """Tags by (rule, version), each list in code-point order (every rule's when none given)."""
    query = select(FeatureRuleTag).where(FeatureRuleTag.tenant_id == tenant_id)
    if rule_id is not None:
        query = query.where(FeatureRuleTag.rule_id == rule_id)
    tags: Tags = defaultdict(list)
    for row in session.scalars(query):
        tags[(row.rule_id, row.version)].append(row.tag)
    return defaultdict(list, {key: sorted(names) for key, names in tags.items()})


def latest_versions(session: Session, tenant_id: str) -> list[FeatureRuleVersion]:
    """The newest version of each of the tenant's rules."""
    latest = (
        select(FeatureRuleVersion.rule_id, func.max(FeatureRuleVersion.version).label("top"))
        .where(FeatureRuleVersion.tenant_id == tenant_id)
        .group_by(FeatureRuleVersion.rule_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(FeatureRuleVersion)
            .join(
                latest,
                (FeatureRuleVersion.rule_id == latest.c.rule_id)
                & (FeatureRuleVersion.version == latest.c.top),
            )
            .where(FeatureRuleVersion.tenant_id == tenant_id)
        )
    )


def rule_versions(session: Session, tenant_id: str, rule_id: str) -> list[FeatureRuleVersion]:
    """The rule's versions, oldest first; 404 when it has none (the rule does not exist)."""
    versions: list[FeatureRuleVersion] = []
    if not contains_nul(rule_id):
        query = (
            select(FeatureRuleVersion)
            .where(FeatureRuleVersion.tenant_id == tenant_id, FeatureRuleVersion.rule_id == rule_id)
            .order_by(FeatureRuleVersion.version)
        )
        versions = list(session.scalars(query))
    if not versions:
        raise not_found("Feature Rule")
    return versions


def rule_version(session: Session, tenant_id: str, rule_id: str, number: int) -> FeatureRuleVersion:
    """The version with this number; 404 for numbers never issued, or deleted."""
    row = None
    if not contains_nul(rule_id):
        row = session.get(FeatureRuleVersion, (tenant_id, rule_id, number))
    if row is None:
        raise not_found("Feature Rule Version")
    return row


def delete_rule(session: Session, tenant_id: str, rule_id: str) -> None:
    """Delete every version of an existing rule (404 otherwise) with their tags."""
    rule_versions(session, tenant_id, rule_id)
    _delete_versions(session, tenant_id, rule_id)


def delete_version(session: Session, version: FeatureRuleVersion) -> None:
    """Delete one version of a rule with its tags."""
    _delete_versions(session, version.tenant_id, version.rule_id, version.version)


def _delete_versions(session: Session, tenant_id: str, rule_id: str, *numbers: int) -> None:
    """Delete the rule's versions (all of them when no number is given) with their tags."""
    for model in (FeatureRuleTag, FeatureRuleVersion):
        statement = delete(model).where(model.tenant_id == tenant_id, model.rule_id == rule_id)
        if numbers:
            statement = statement.where(model.version.in_(numbers))
        session.execute(statement)


def _next_number(session: Session, tenant_id: str, rule_id: str) -> int:
    """Issue the rule's next version number (the counter row is locked until commit)."""
    counter = session.get(FeatureRuleCounter, (tenant_id, rule_id), with_for_update=True)
    if counter is None:
        counter = FeatureRuleCounter(tenant_id=tenant_id, rule_id=rule_id, last_version=0)
        session.add(counter)
    if counter.last_version >= LAST_VERSION:
        raise conflict("The feature rule has used up its version numbers")
    counter.last_version += 1
    session.flush()
    return counter.last_version


def add_version(
    session: Session, tenant_id: str, rule_id: str, values: dict[str, Any]
) -> tuple[int, bool]:
    """Store a new version of the rule with these column values.

    Returns its number and whether the rule was created by it (it had no versions before).
    """
    created = (
        session.scalar(
            select(FeatureRuleVersion.version)
            .where(FeatureRuleVersion.tenant_id == tenant_id, FeatureRuleVersion.rule_id == rule_id)
            .limit(1)
        )
        is None
    )
    number = _next_number(session, tenant_id, rule_id)
    session.add(FeatureRuleVersion(tenant_id=tenant_id, rule_id=rule_id, version=number, **values))
    return number, created


def retag_version(session: Session, version: FeatureRuleVersion, tags: list[str]) -> bool:
    """Make ``tags`` the version's tags, moving any of them from other versions of the rule.

    Returns whether the version had tags before.
    """
    tenant_id, rule_id = version.tenant_id, version.rule_id
    had_tags = bool(rule_tags(session, tenant_id, rule_id)[(rule_id, version.version)])
    names = sorted(set(tags))
    session.execute(
        delete(FeatureRuleTag).where(
            FeatureRuleTag.tenant_id == tenant_id,
            FeatureRuleTag.rule_id == rule_id,
            (FeatureRuleTag.version == version.version) | FeatureRuleTag.tag.in_(names),
        )
    )
    session.add_all(
        FeatureRuleTag(tenant_id=tenant_id, rule_id=rule_id, tag=tag, version=version.version)
        for tag in names
    )
    return had_tags
