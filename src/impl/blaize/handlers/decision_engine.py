"""Handler of the decision_engine module: the HTTP response the tenant's request rules decide.

Who is asking comes from ``blaize.decisions.requester``, whether the referrer is trusted
from ``blaize.decisions.trusted_referrer``, the rules and their limits from
``blaize.decisions.request_rules``, the decision from ``blaize.decisions.rules`` (scripts in
the sandbox of ``blaize.decisions.scripting``), what the requirements see from
``blaize.decisions.requirements``, and what it writes (gift claims, meter views, credits)
from ``blaize.decisions.effects``.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.decisions.effects import gift_lets_through, use_up
from contractkit.impl.blaize.decisions.protocol import PASS_THROUGH
from contractkit.impl.blaize.decisions.request_rules import rules_in_order, script_limits
from contractkit.impl.blaize.decisions.requester import identify
from contractkit.impl.blaize.decisions.requirements import resolver
from contractkit.impl.blaize.decisions.rules import evaluate, request_view
from contractkit.impl.blaize.decisions.trusted_referrer import is_trusted
from contractkit.impl.blaize.identity.access import Permission, authorize


def decide_request(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        tenant_id = caller.tenant_id
        identity = identify(session, ctx.settings, tenant_id, body)
        request = request_view(body)
        if gift_lets_through(session, tenant_id, identity, request):
            return PASS_THROUGH.view(), 200
        decision = evaluate(
            rules_in_order(session, tenant_id),
            request,
            identity.script_view(),
            is_trusted(session, tenant_id, body["path"], body.get("btr")),
            resolver(session, tenant_id, identity),
            script_limits(ctx.settings, tenant_id),
        )
        if decision.lets_through:
            use_up(session, tenant_id, identity, decision)
        return decision.view(), 200
