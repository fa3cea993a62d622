"""Handlers of the feature_rules module: numbered, immutable versions of a rule, and tags.

A rule exists while it has versions. Its counter row (``FeatureRuleCounter``) outlives its
versions and the rule itself, so a version number is never issued twice under one rule id.
A tag names at most one version of a rule: saving it on a version moves it there.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import (
    FeatureRuleCounter,
    FeatureRuleTag,
    FeatureRuleVersion,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.keyed import SaveAnswer, one_writer_wins, save_answer
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import conflict, not_found
from contractkit.impl.timeutil import as_utc

SUMMARY_MEMBERS = ("label", "description")
SCRIPT_MEMBERS = (
    "requirements_script",
    "action_script",
    "script_type",
    "graph_state",
    "editing_mode",
)
LAST_VERSION = 2_147_483_647  # the largest number an integer column holds everywhere

Tags = dict[tuple[str, int], list[str]]


def last_updated(moment: datetime) -> str:
    """The seed's way of writing a time: ``2011-11-11T11:11:11.000`` (here in UTC)."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def version_view(
    version: FeatureRuleVersion, tags: list[str], members: tuple[str, ...]
) -> dict[str, Any]:
    view: dict[str, Any] = {"id": version.rule_id, "version": version.version, "tags": tags}
    for name in members:
        value = getattr(version, name)
        if value is not None:
            view[name] = value
    view["last_updated"] = last_updated(version.created_at)
    return view


def summary_view(version: FeatureRuleVersion, tags: Tags) -> dict[str, Any]:
    return version_view(version, tags[(version.rule_id, version.version)], SUMMARY_MEMBERS)


def _tags(session: Session, tenant_id: str, rule_id: str | None = None) -> Tags:
    """Tags by (rule, version), each list in code-point order."""
    query = select(FeatureRuleTag).where(FeatureRuleTag.tenant_id == tenant_id)
    if rule_id is not None:
        query = query.where(FeatureRuleTag.rule_id == rule_id)
    tags: Tags = defaultdict(list)
    for row in session.scalars(query):
        tags[(row.rule_id, row.version)].append(row.tag)
    return defaultdict(list, {key: sorted(names) for key, names in tags.items()})


def _versions(session: Session, tenant_id: str, rule_id: str) -> list[FeatureRuleVersion]:
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


def _version(session: Session, tenant_id: str, rule_id: str, number: int) -> FeatureRuleVersion:
    """The version with this number; 404 for numbers never issued, or deleted."""
    row = None
    if not contains_nul(rule_id):
        row = session.get(FeatureRuleVersion, (tenant_id, rule_id, number))
    if row is None:
        raise not_found("Feature Rule Version")
    return row


def _delete_versions(session: Session, tenant_id: str, rule_id: str, *numbers: int) -> None:
    """Delete the rule's versions (all of them when no number is given) with their tags."""
    for model in (FeatureRuleTag, FeatureRuleVersion):
        statement = delete(model).where(model.tenant_id == tenant_id, model.rule_id == rule_id)
        if numbers:
            statement = statement.where(model.version.in_(numbers))
        session.execute(statement)


def list_feature_rules(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        tenant_id = caller.tenant_id
        latest = (
            select(FeatureRuleVersion.rule_id, func.max(FeatureRuleVersion.version).label("top"))
            .where(FeatureRuleVersion.tenant_id == tenant_id)
            .group_by(FeatureRuleVersion.rule_id)
            .subquery()
        )
        versions = session.scalars(
            select(FeatureRuleVersion)
            .join(
                latest,
                (FeatureRuleVersion.rule_id == latest.c.rule_id)
                & (FeatureRuleVersion.version == latest.c.top),
            )
            .where(FeatureRuleVersion.tenant_id == tenant_id)
        )
        tags = _tags(session, tenant_id)
        views = [summary_view(version, tags) for version in versions]
        return sorted(views, key=lambda view: view["id"]), 200


def delete_feature_rule(
    ctx: BlaizeContext, featureRuleId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        _versions(session, caller.tenant_id, featureRuleId)
        _delete_versions(session, caller.tenant_id, featureRuleId)
    return {"message": f"{featureRuleId} deleted successfully"}, 200


def list_feature_rule_versions(
    ctx: BlaizeContext, featureRuleId: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        versions = _versions(session, caller.tenant_id, featureRuleId)
        tags = _tags(session, caller.tenant_id, featureRuleId)
        return [summary_view(version, tags) for version in versions], 200


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


def create_feature_rule_version(
    ctx: BlaizeContext, featureRuleId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    with one_writer_wins("The feature rule"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(featureRuleId, body)
        tenant_id = caller.tenant_id
        created = (
            session.scalar(
                select(FeatureRuleVersion.version)
                .where(
                    FeatureRuleVersion.tenant_id == tenant_id,
                    FeatureRuleVersion.rule_id == featureRuleId,
                )
                .limit(1)
            )
            is None
        )
        number = _next_number(session, tenant_id, featureRuleId)
        values = {name: body.get(name) for name in SUMMARY_MEMBERS + SCRIPT_MEMBERS}
        session.add(
            FeatureRuleVersion(tenant_id=tenant_id, rule_id=featureRuleId, version=number, **values)
        )
    uri = ctx.uri(f"/v3/feature-rules/{quote(featureRuleId, safe='')}/versions/{number}")
    message = (
        "Feature Rule created successfully"
        if created
        else "Feature Rule version created successfully"
    )
    return save_answer({"message": message, "uri": uri, "version": number}, uri, created)


def get_feature_rule_version(
    ctx: BlaizeContext, featureRuleId: str, versionId: int, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        version = _version(session, caller.tenant_id, featureRuleId, versionId)
        tags = _tags(session, caller.tenant_id, featureRuleId)[(featureRuleId, version.version)]
        return version_view(version, tags, SUMMARY_MEMBERS + SCRIPT_MEMBERS), 200


def delete_feature_rule_version(
    ctx: BlaizeContext, featureRuleId: str, versionId: int, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        version = _version(session, caller.tenant_id, featureRuleId, versionId)
        _delete_versions(session, caller.tenant_id, featureRuleId, version.version)
    return {"message": f"{featureRuleId} version {version.version} deleted successfully"}, 200


def save_feature_rule_version_tags(
    ctx: BlaizeContext,
    featureRuleId: str,
    versionId: int,
    body: list[str],
    token_info: dict[str, Any],
) -> tuple[dict, int]:
    with one_writer_wins("The feature rule's tags"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        tenant_id = caller.tenant_id
        version = _version(session, tenant_id, featureRuleId, versionId)
        refuse_unstorable(body)
        had_tags = bool(_tags(session, tenant_id, featureRuleId)[(featureRuleId, version.version)])
        tags = sorted(set(body))
        session.execute(
            delete(FeatureRuleTag).where(
                FeatureRuleTag.tenant_id == tenant_id,
                FeatureRuleTag.rule_id == featureRuleId,
                (FeatureRuleTag.version == version.version) | FeatureRuleTag.tag.in_(tags),
            )
        )
        session.add_all(
            FeatureRuleTag(
                tenant_id=tenant_id, rule_id=featureRuleId, tag=tag, version=version.version
            )
            for tag in tags
        )
    uri = ctx.uri(
        f"/v3/feature-rules/{quote(featureRuleId, safe='')}/versions/{version.version}/tags"
    )
    answer = {"message": f"{featureRuleId} tag/s saved successfully", "uri": uri}
    return answer, 200 if had_tags else 201
