"""Handlers of the sessions module: end-user sessions (v3, and v4 per site)."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.login_throttle import (
    login_rules,
    throttled_login,
    user_account,
)
from contractkit.impl.blaize.people.sessions import (
    authenticate_user,
    end_session,
    live_session,
    lookup,
    open_operation_tenant,
    open_session,
    refuse_anonymous,
    refuse_unknown_site,
)
from contractkit.impl.web.clients import client_address


def create_session(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any] | None = None
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        tenant_id = open_operation_tenant(session, ctx, token_info)
    account = user_account(tenant_id, body.get("identifiers") or {})
    with (
        throttled_login(ctx.db, login_rules(ctx.settings), account, client_address()),
        ctx.db.transaction() as session,
    ):
        user = authenticate_user(ctx, session, tenant_id, body)
        return open_session(ctx, session, tenant_id, user=user, site=None), 200


def get_session(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        row = live_session(session, caller.tenant_id, id)
        return lookup(ctx, session, row, site=None), 200


def create_site_session(
    ctx: BlaizeContext, site: str, body: dict[str, Any], token_info: dict[str, Any] | None = None
) -> tuple[dict, int]:
    refuse_unknown_site(site)
    with ctx.db.transaction() as session:
        tenant_id = open_operation_tenant(session, ctx, token_info)
    account = user_account(tenant_id, body.get("identifiers") or {})
    with (
        throttled_login(ctx.db, login_rules(ctx.settings), account, client_address()),
        ctx.db.transaction() as session,
    ):
        user = authenticate_user(ctx, session, tenant_id, body)
        return open_session(ctx, session, tenant_id, user=user, site=site), 200


def get_site_session(
    ctx: BlaizeContext, site: str, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        row = live_session(session, caller.tenant_id, id, site)
        return lookup(ctx, session, row, site=site), 200


def delete_site_session(
    ctx: BlaizeContext, site: str, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        end_session(session, caller.tenant_id, id, site)
    return {"message": "Session deleted successfully"}, 200


def create_anonymous_site_session(
    ctx: BlaizeContext, site: str, token_info: dict[str, Any] | None = None
) -> tuple[dict, int]:
    refuse_unknown_site(site)
    with ctx.db.transaction() as session:
        tenant_id = open_operation_tenant(session, ctx, token_info)
        refuse_anonymous(session, tenant_id)
        return open_session(ctx, session, tenant_id, user=None, site=site), 200
