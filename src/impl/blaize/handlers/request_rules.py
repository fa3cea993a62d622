"""Handlers of the request_rules module: the rules the Decision Engine decides requests by.

Which rules can be saved, and in which order they run, is in ``blaize.decisions.request_rules``.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.decisions.models import RequestRule
from contractkit.impl.blaize.decisions.request_rules import (
    SCRIPTS,
    find_rule,
    refuse_unrunnable,
    remove_rule,
    rules_in_order,
    script_limits,
    store_rule,
)
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def rule_view(rule: RequestRule) -> dict[str, Any]:
    view: dict[str, Any] = {"id": rule.id}
    if rule.label is not None:
        view["label"] = rule.label
    conditions = {"url_pattern": rule.url_pattern, "method": rule.method}
    view["conditions"] = {name: value for name, value in conditions.items() if value is not None}
    for name in (*SCRIPTS, "script_type", "graph_state", "editing_mode"):
        value = getattr(rule, name)
        if value is not None:
            view[name] = value
    return view


def list_request_rules(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        rules = rules_in_order(session, caller.tenant_id)
        return {"results": [rule_view(rule) for rule in rules]}, 200


def save_request_rule(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        refuse_unrunnable(body, script_limits(ctx.settings, caller.tenant_id))
        rule_id, created = store_rule(session, caller.tenant_id, body)
    uri = ctx.uri(f"/v3/request-rules/{rule_id}")
    if created:
        answer = {"id": rule_id, "message": "Request rule created successfully", "uri": uri}
        return answer, 201, {"Location": uri}
    return {"id": rule_id, "message": "Request rule updated successfully", "uri": uri}, 200


def get_request_rule(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return rule_view(find_rule(session, caller.tenant_id, id)), 200


def delete_request_rule(
    ctx: BlaizeContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        remove_rule(session, find_rule(session, caller.tenant_id, id))
    return {"message": "Request rule deleted successfully"}, 200
