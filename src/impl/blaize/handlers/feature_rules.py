"""Handlers of the feature_rules module: numbered, immutable versions of a rule, and tags.

What a version and a tag are, and how numbers are issued, is in ``blaize.content.feature_rules``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from contractkit.impl.blaize.content.feature_rules import (
    Tags,
    add_version,
    delete_rule,
    delete_version,
    latest_versions,
    retag_version,
    rule_tags,
    rule_version,
    rule_versions,
)
from contractkit.impl.blaize.content.models import FeatureRuleVersion
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.keyed import SaveAnswer, one_writer_wins, save_answer
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.timeutil import as_utc

SUMMARY_MEMBERS = ("label", "description")
SCRIPT_MEMBERS = (
    "requirements_script",
    "action_script",
    "script_type",
    "graph_state",
    "editing_mode",
)


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


def list_feature_rules(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        versions = latest_versions(session, caller.tenant_id)
        tags = rule_tags(session, caller.tenant_id)
        views = [summary_view(version, tags) for version in versions]
        return sorted(views, key=lambda view: view["id"]), 200


def delete_feature_rule(
    ctx: BlaizeContext, featureRuleId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        delete_rule(session, caller.tenant_id, featureRuleId)
    return {"message": f"{featureRuleId} deleted successfully"}, 200


def list_feature_rule_versions(
    ctx: BlaizeContext, featureRuleId: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        versions = rule_versions(session, caller.tenant_id, featureRuleId)
        tags = rule_tags(session, caller.tenant_id, featureRuleId)
        return [summary_view(version, tags) for version in versions], 200


def create_feature_rule_version(
    ctx: BlaizeContext, featureRuleId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    with one_writer_wins("The feature rule"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(featureRuleId, body)
        values = {name: body.get(name) for name in SUMMARY_MEMBERS + SCRIPT_MEMBERS}
        number, created = add_version(session, caller.tenant_id, featureRuleId, values)
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
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        version = rule_version(session, caller.tenant_id, featureRuleId, versionId)
        tags = rule_tags(session, caller.tenant_id, featureRuleId)[(featureRuleId, version.version)]
        return version_view(version, tags, SUMMARY_MEMBERS + SCRIPT_MEMBERS), 200


def delete_feature_rule_version(
    ctx: BlaizeContext, featureRuleId: str, versionId: int, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        version = rule_version(session, caller.tenant_id, featureRuleId, versionId)
        delete_version(session, version)
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
        version = rule_version(session, caller.tenant_id, featureRuleId, versionId)
        refuse_unstorable(body)
        had_tags = retag_version(session, version, body)
    uri = ctx.uri(
        f"/v3/feature-rules/{quote(featureRuleId, safe='')}/versions/{version.version}/tags"
    )
    answer = {"message": f"{featureRuleId} tag/s saved successfully", "uri": uri}
    return answer, 200 if had_tags else 201
