"""Deciding a request with the tenant's request rules (no database here: see decision_engine).

Rules are tried in order. A rule applies when its ``method`` (if any) is the request's method
and its ``url_pattern`` (if any) is found in the request's path (the part before ``?``). An
applying rule runs its ``requirements_script``; the requirements it names are resolved by the
caller; then its ``action_script`` runs with ``request``, ``user``, ``requirements`` and
``trusted``. The first rule whose action decides wins; when none decides, the request passes
through (``{"status": "200"}``). A script that fails, a pattern search that runs out of time
or an answer outside the protocol (``blaize.decisions.protocol``) ends the decision with a
``RuleFailure``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol
from urllib.parse import parse_qsl

from contractkit.impl.blaize.decisions.patterns import PatternTimeout, pattern_matches
from contractkit.impl.blaize.decisions.protocol import (
    PASS_THROUGH,
    BadOutput,
    Decision,
    decision_from,
    requirements_from,
)
from contractkit.impl.blaize.decisions.scripting import ScriptError, ScriptLimits, run_script
from contractkit.impl.errors import ApiError

Resolver = Callable[[list[str]], dict[str, Any]]
"""Requirement strings -> the ``requirements`` object the action sees."""


class Rule(Protocol):
    id: str
    url_pattern: str | None
    method: str | None
    requirements_script: str | None
    action_script: str | None


class RuleFailure(ApiError):
    """A rule could not decide: 409 with ``script_error`` or ``pattern_error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(409, code, message)


def request_view(body: dict[str, Any]) -> dict[str, Any]:
    """The ``request`` argument of rule scripts, from a ``DecisionRequest``."""
    url = body["path"]
    path, _, query_text = url.split("#", 1)[0].partition("?")
    query: dict[str, str] = {}
    for name, value in parse_qsl(query_text, keep_blank_values=True):
        query.setdefault(name, value)
    return {
        "path": path,
        "url": url,
        "method": body.get("http_method") or "GET",
        "query": query,
        "headers": dict(body.get("request_headers") or {}),
        "content_metadata": dict(body.get("content_metadata") or {}),
    }


def applies(rule: Rule, request: dict[str, Any], time_limit_ms: int) -> bool:
    if rule.method and rule.method != request["method"]:
        return False
    if not rule.url_pattern:
        return True
    try:
        return pattern_matches(rule.url_pattern, request["path"], time_limit_ms)
    except PatternTimeout as exc:
        raise RuleFailure("pattern_error", f"Request rule {rule.id!r}: {exc}") from exc


def _run(rule: Rule, which: str, arguments: dict[str, Any], limits: ScriptLimits) -> Any:
    source = getattr(rule, which) or ""
    try:
        return run_script(source, arguments, limits)
    except ScriptError as exc:
        raise RuleFailure("script_error", f"{which} of request rule {rule.id!r}: {exc}") from exc


def decide_by(
    rule: Rule,
    request: dict[str, Any],
    user: dict[str, Any],
    trusted: bool,
    resolve: Resolver,
    limits: ScriptLimits,
) -> Decision | None:
    """What one applying rule decides (None: no decision)."""
    arguments = {"request": request, "user": user, "requirements": {}, "trusted": trusted}
    try:
        names = requirements_from(_run(rule, "requirements_script", arguments, limits))
    except BadOutput as exc:
        message = f"requirements_script of request rule {rule.id!r} {exc}"
        raise RuleFailure("script_error", message) from exc
    arguments["requirements"] = resolve(names)
    try:
        return decision_from(_run(rule, "action_script", arguments, limits))
    except BadOutput as exc:
        message = f"action_script of request rule {rule.id!r} {exc}"
        raise RuleFailure("script_error", message) from exc


def evaluate(
    rules: Iterable[Rule],
    request: dict[str, Any],
    user: dict[str, Any],
    trusted: bool,
    resolve: Resolver,
    limits: ScriptLimits,
) -> Decision:
    """The first decision of the rules that apply, else PASS_THROUGH."""
    for rule in rules:
        if not applies(rule, request, limits.time_limit_ms):
            continue
        decision = decide_by(rule, request, user, trusted, resolve, limits)
        if decision is not None:
            return decision
    return PASS_THROUGH
