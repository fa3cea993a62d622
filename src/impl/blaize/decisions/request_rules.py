"""Request rules: what the Decision Engine decides requests by, in the order they were created.

A rule is saved only when it can run: its ``script_type`` is ``javascript`` (the default),
its ``url_pattern`` is a valid regular expression and both scripts compile as function bodies
in the sandbox; otherwise 409 ``invalid_rule`` says what is wrong and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.blaize.decisions.models import RequestRule
from contractkit.impl.blaize.decisions.patterns import pattern_error
from contractkit.impl.blaize.decisions.scripting import ScriptLimits, compile_error
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.keyed import keyed_row
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.errors import ApiError, conflict
from contractkit.impl.timeutil import utcnow

SCRIPT_TYPE = "javascript"
SCRIPTS = ("requirements_script", "action_script")
TEXT_FIELDS = ("label", *SCRIPTS, "graph_state", "editing_mode")


def script_limits(settings: BlaizeSettings, tenant_id: str) -> ScriptLimits:
    """The limits of ``tenant_id``'s scripts, run in that tenant's share of the workers."""
    return ScriptLimits(
        settings.script_time_limit_ms, settings.script_memory_limit_bytes, owner=tenant_id
    )


def rules_in_order(session: Session, tenant_id: str) -> list[RequestRule]:
    """The tenant's rules in the order they are evaluated: creation order."""
    return tenant_rows(session, RequestRule, tenant_id)


def find_rule(session: Session, tenant_id: str, rule_id: str) -> RequestRule:
    """The tenant's rule with this id, or 404."""
    return keyed_row(session, RequestRule, tenant_id, rule_id, "Request rule")


def _invalid(message: str) -> ApiError:
    return ApiError(409, "invalid_rule", message)


def refuse_unrunnable(body: dict[str, Any], limits: ScriptLimits) -> None:
    """409 ``invalid_rule`` unless the rule's pattern and scripts can run."""
    script_type = body.get("script_type", SCRIPT_TYPE)
    if script_type != SCRIPT_TYPE:
        raise _invalid(f"script_type {script_type!r} is not supported: use 'javascript'")
    pattern = (body.get("conditions") or {}).get("url_pattern")
    problem = pattern_error(pattern) if pattern else None
    if problem:
        raise _invalid(problem)
    for name in SCRIPTS:
        problem = compile_error(body.get(name) or "", limits)
        if problem:
            raise _invalid(f"{name} does not compile: {problem}")


def store_rule(session: Session, tenant_id: str, body: dict[str, Any]) -> tuple[str, bool]:
    """Create or replace the rule the body describes (under a new id when it names none).

    Returns the rule's id and whether it was created; 409 when another request saved the
    same new id at the same moment.
    """
    rule_id = body.get("id") or new_id()
    rule = session.get(RequestRule, (tenant_id, rule_id))
    created = rule is None
    if rule is None:
        rule = RequestRule(tenant_id=tenant_id, id=rule_id, created_at=utcnow())
        session.add(rule)
    for name in TEXT_FIELDS:
        setattr(rule, name, body.get(name))
    conditions = body.get("conditions") or {}
    rule.url_pattern = conditions.get("url_pattern")
    rule.method = conditions.get("method")
    rule.script_type = body.get("script_type", SCRIPT_TYPE)
    rule.updated_at = utcnow()
    try:
        session.flush()
    except IntegrityError as exc:
        raise conflict(f"Request rule {rule_id!r} was saved at the same time") from exc
    return rule_id, created


def remove_rule(session: Session, rule: RequestRule) -> None:
    session.delete(rule)
