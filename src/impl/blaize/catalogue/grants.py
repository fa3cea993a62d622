"""Grants: products given to one user or one account, each change announced to webhooks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.holdings import Ref
from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.catalogue.references import refuse_unknown
from contractkit.impl.blaize.people.models import Account
from contractkit.impl.blaize.people.users import tenant_user
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.blaize.webhooks.events import (
    GRANT_CREATE,
    GRANT_DELETE,
    GRANT_UPDATE,
    grant_changed,
)
from contractkit.impl.errors import conflict, not_found


def user_grants(session: Session, tenant_id: str, user_id: str) -> list[Grant]:
    """The user's own grants, oldest first; 404 when there is no such user."""
    tenant_user(session, tenant_id, user_id)
    return tenant_rows(session, Grant, tenant_id, Grant.user_id == user_id)


def _grant(session: Session, tenant_id: str, grant_id: str) -> Grant | None:
    return None if contains_nul(grant_id) else session.get(Grant, (tenant_id, grant_id))


def user_grant(session: Session, tenant_id: str, user_id: str, grant_id: str) -> Grant:
    """The user's grant with this id; 404 when the user or the grant is not there."""
    tenant_user(session, tenant_id, user_id)
    grant = _grant(session, tenant_id, grant_id)
    if grant is None or grant.user_id != user_id:
        raise not_found("Grant")
    return grant


def account_grant(session: Session, tenant_id: str, account_id: str, grant_id: str) -> Grant:
    """The account's grant with this id; 404 when the account or the grant is not there."""
    owned(session, Account, account_id, tenant_id, "Account")
    grant = _grant(session, tenant_id, grant_id)
    if grant is None or grant.account_id != account_id:
        raise not_found("Grant")
    return grant


def account_grants(session: Session, tenant_id: str, account_id: str) -> list[Grant]:
    """The account's grants, oldest first; 404 when there is no such account."""
    owned(session, Account, account_id, tenant_id, "Account")
    return tenant_rows(session, Grant, tenant_id, Grant.account_id == account_id)


def grant_to_account(session: Session, tenant_id: str, account_id: str, product: Ref) -> Grant:
    """A new grant of an existing product (404 otherwise) to the account, under a new id."""
    owned(session, Account, account_id, tenant_id, "Account")
    refuse_unknown(session, tenant_id, [product])
    kind, product_id = product
    grant = Grant(
        id=new_id(),
        tenant_id=tenant_id,
        account_id=account_id,
        entitlement_type=kind,
        entitlement_id=product_id,
    )
    session.add(grant)
    grant_changed(session, grant, GRANT_CREATE)
    return grant


def grant_to_user(session: Session, tenant_id: str, user_id: str, product: Ref) -> Grant:
    """A new grant of an existing product (404 otherwise) to the user, under a new id."""
    refuse_unknown(session, tenant_id, [product])
    kind, product_id = product
    grant = Grant(
        id=new_id(),
        tenant_id=tenant_id,
        user_id=user_id,
        entitlement_type=kind,
        entitlement_id=product_id,
    )
    session.add(grant)
    grant_changed(session, grant, GRANT_CREATE)
    return grant


def store_user_grant(
    session: Session, tenant_id: str, user_id: str, grant_id: str, product: Ref
) -> tuple[Grant, bool]:
    """Create or replace the user's grant under ``grant_id``; 409 when another holder has it.

    Returns the grant and whether it was created.
    """
    refuse_unknown(session, tenant_id, [product])
    grant = session.get(Grant, (tenant_id, grant_id))
    created = grant is None
    if grant is None:
        grant = Grant(id=grant_id, tenant_id=tenant_id, user_id=user_id)
        session.add(grant)
    elif grant.user_id != user_id:
        raise conflict("This grant id is taken by another grant")
    grant.entitlement_type, grant.entitlement_id = product
    grant_changed(session, grant, GRANT_CREATE if created else GRANT_UPDATE)
    return grant, created


def revoke_grant(session: Session, grant: Grant) -> None:
    grant_changed(session, grant, GRANT_DELETE)
    session.delete(grant)
