"""Handlers of the accounts module: accounts, and users' memberships with seats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.models import Account, AccountUser, User
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import (
    account_view,
    membership_view,
    owned,
    tenant_rows,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.events import (
    ACCOUNT_USER_CREATE,
    ACCOUNT_USER_DELETE,
    account_deleting,
    membership_changed,
)
from contractkit.impl.errors import ApiError, not_found

ACCOUNT_FIELDS = (
    "company_id",
    "name",
    "number_of_seats",
    "allow_oversubscription",
    "notify_when_account_oversubscribed",
    "notify_on_each_registration_when_account_is_oversubscribed",
    "registration_code",
)


def _write_fields(account: Account, body: dict[str, Any]) -> None:
    """Replace every account field with the body's (absent fields become unset)."""
    for name in ACCOUNT_FIELDS:
        setattr(account, name, body.get(name))


def list_accounts(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        accounts = tenant_rows(session, Account, caller.tenant_id)
        return {"results": [account_view(account) for account in accounts]}, 200


def create_account(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        account = Account(id=new_id(), tenant_id=caller.tenant_id)
        _write_fields(account, body)
        session.add(account)
    uri = ctx.uri(f"/v3/accounts/{account.id}")
    answer = {"id": account.id, "message": "Account created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


def get_account(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return account_view(owned(session, Account, id, caller.tenant_id, "Account")), 200


def update_account(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        account = owned(session, Account, id, caller.tenant_id, "Account")
        refuse_unstorable(body)
        _write_fields(account, body)
        session.flush()
        return account_view(account), 201


def delete_account(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        account = owned(session, Account, id, caller.tenant_id, "Account")
        account_deleting(session, account)
        session.delete(account)
    return {"message": "Account deleted successfully"}, 200


def list_account_users(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        memberships = session.scalars(
            select(AccountUser)
            .join(Account, Account.id == AccountUser.account_id)
            .where(Account.tenant_id == caller.tenant_id)
            .order_by(AccountUser.account_id, AccountUser.created_at, AccountUser.user_id)
        )
        return [membership_view(membership) for membership in memberships], 200


def _membership(session: Any, tenant_id: str, account_id: str, user_id: str) -> AccountUser:
    owned(session, Account, account_id, tenant_id, "Account")
    owned(session, User, user_id, tenant_id, "User")
    membership = session.get(AccountUser, (account_id, user_id))
    if membership is None:
        raise not_found("Account user")
    return membership


def get_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return membership_view(_membership(session, caller.tenant_id, account_id, user_id)), 200


def delete_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        membership = _membership(session, caller.tenant_id, account_id, user_id)
        membership_changed(session, caller.tenant_id, membership, ACCOUNT_USER_DELETE)
        session.delete(membership)
    return {"message": "Account user deleted successfully"}, 200


def save_account_user(
    ctx: BlaizeContext, account_id: str, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        account = owned(session, Account, account_id, caller.tenant_id, "Account")
        owned(session, User, user_id, caller.tenant_id, "User")
        existing = session.get(AccountUser, (account_id, user_id))
        if existing is not None:
            return membership_view(existing), 200
        members = session.scalar(
            select(func.count())
            .select_from(AccountUser)
            .where(AccountUser.account_id == account.id)
        )
        seats = account.number_of_seats
        if seats is not None and members >= seats and not account.allow_oversubscription:
            raise ApiError(
                409,
                "conflict",
                f"The account's {seats} seats are taken and it does not allow oversubscription",
            )
        membership = AccountUser(account_id=account.id, user_id=user_id)
        session.add(membership)
        membership_changed(session, caller.tenant_id, membership, ACCOUNT_USER_CREATE)
        return membership_view(membership), 201
