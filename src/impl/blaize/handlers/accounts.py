"""Handlers of the accounts module: accounts, and users' memberships with seats."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people import accounts
from contractkit.impl.blaize.people.accounts import ACCOUNTS
from contractkit.impl.blaize.tenancy.records import account_view, membership_view


def list_accounts(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        found = ACCOUNTS.all(session, caller.tenant_id)
        return {"results": [account_view(account) for account in found]}, 200


def create_account(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        account = ACCOUNTS.create(session, caller.tenant_id, body)
    uri = ctx.uri(f"/v3/accounts/{account.id}")
    answer = {"id": account.id, "message": "Account created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


def get_account(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return account_view(ACCOUNTS.one(session, caller.tenant_id, id)), 200


def update_account(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        return account_view(ACCOUNTS.update(session, caller.tenant_id, id, body)), 201


def delete_account(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        accounts.delete_account(session, caller.tenant_id, id)
    return {"message": "Account deleted successfully"}, 200


def list_account_users(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        memberships = accounts.tenant_memberships(session, caller.tenant_id)
        return [membership_view(membership) for membership in memberships], 200


def get_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        membership = accounts.membership(session, caller.tenant_id, account_id, user_id)
        return membership_view(membership), 200


def delete_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        accounts.leave_account(session, caller.tenant_id, account_id, user_id)
    return {"message": "Account user deleted successfully"}, 200


def save_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        membership, created = accounts.join_account(session, caller.tenant_id, account_id, user_id)
        return membership_view(membership), 201 if created else 200
