"""Accounts of the tenant, and their members (users holding a seat).

Joining and leaving an account, and deleting it, queue their webhook events in the same
transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.described import DescribedRows
from contractkit.impl.blaize.people.models import Account, AccountUser
from contractkit.impl.blaize.people.users import tenant_user
from contractkit.impl.blaize.tenancy.records import ACCOUNT_FIELDS
from contractkit.impl.blaize.webhooks.events import (
    ACCOUNT_USER_CREATE,
    ACCOUNT_USER_DELETE,
    account_deleting,
    membership_changed,
)
from contractkit.impl.errors import ApiError, not_found

ACCOUNTS = DescribedRows(Account, ACCOUNT_FIELDS, "Account")


def delete_account(session: Session, tenant_id: str, account_id: str) -> None:
    account = ACCOUNTS.one(session, tenant_id, account_id)
    account_deleting(session, account)
    session.delete(account)


def tenant_memberships(session: Session, tenant_id: str) -> list[AccountUser]:
    """Every membership of the tenant's accounts, by account, oldest first."""
    memberships = session.scalars(
        select(AccountUser)
        .join(Account, Account.id == AccountUser.account_id)
        .where(Account.tenant_id == tenant_id)
        .order_by(AccountUser.account_id, AccountUser.created_at, AccountUser.user_id)
    )
    return list(memberships)


def memberships_of(session: Session, user_id: str) -> list[AccountUser]:
    """The user's memberships, oldest first."""
    memberships = session.scalars(
        select(AccountUser)
        .where(AccountUser.user_id == user_id)
        .order_by(AccountUser.created_at, AccountUser.account_id)
    )
    return list(memberships)


def membership(session: Session, tenant_id: str, account_id: str, user_id: str) -> AccountUser:
    """The tenant's user ``user_id`` as a member of its account ``account_id``, else 404."""
    ACCOUNTS.one(session, tenant_id, account_id)
    tenant_user(session, tenant_id, user_id)
    found = session.get(AccountUser, (account_id, user_id))
    if found is None:
        raise not_found("Account user")
    return found


def leave_account(session: Session, tenant_id: str, account_id: str, user_id: str) -> None:
    found = membership(session, tenant_id, account_id, user_id)
    membership_changed(session, tenant_id, found, ACCOUNT_USER_DELETE)
    session.delete(found)


def join_account(
    session: Session, tenant_id: str, account_id: str, user_id: str
) -> tuple[AccountUser, bool]:
    """The user's membership of the account, and whether it was created now.

    A new member needs a free seat unless the account allows oversubscription (else 409).
    """
    account = ACCOUNTS.one(session, tenant_id, account_id)
    tenant_user(session, tenant_id, user_id)
    existing = session.get(AccountUser, (account_id, user_id))
    if existing is not None:
        return existing, False
    members = session.scalar(
        select(func.count()).select_from(AccountUser).where(AccountUser.account_id == account.id)
    )
    seats = account.number_of_seats
    if seats is not None and (members or 0) >= seats and not account.allow_oversubscription:
        raise ApiError(
            409,
            "conflict",
            f"The account's {seats} seats are taken and it does not allow oversubscription",
        )
    joined = AccountUser(account_id=account.id, user_id=user_id)
    session.add(joined)
    membership_changed(session, tenant_id, joined, ACCOUNT_USER_CREATE)
    return joined, True
