"""Handlers of the grants module: grants to users and accounts, and the access model."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.access_model import access_model
from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.catalogue.references import refuse_unknown
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.models import Account, User
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import grant_view, owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.blaize.webhooks.events import (
    GRANT_CREATE,
    GRANT_DELETE,
    GRANT_UPDATE,
    grant_changed,
)
from contractkit.impl.errors import conflict, not_found


def _user_grant(session: Session, tenant_id: str, user_id: str, grant_id: str) -> Grant:
    owned(session, User, user_id, tenant_id, "User")
    grant = None if contains_nul(grant_id) else session.get(Grant, (tenant_id, grant_id))
    if grant is None or grant.user_id != user_id:
        raise not_found("Grant")
    return grant


def _account_grant(session: Session, tenant_id: str, account_id: str, grant_id: str) -> Grant:
    owned(session, Account, account_id, tenant_id, "Account")
    grant = None if contains_nul(grant_id) else session.get(Grant, (tenant_id, grant_id))
    if grant is None or grant.account_id != account_id:
        raise not_found("Grant")
    return grant


def _product(body: dict[str, Any]) -> tuple[str, str]:
    """The product a grant's body names."""
    return body["entitlement_type"], body["entitlement_id"]


def _answer(ctx: BlaizeContext, grant: Grant, message: str) -> dict[str, str]:
    uri = ctx.uri(f"/v3/users/{grant.user_id}/grants/{grant.id}")
    return {"grantId": grant.id, "message": message, "uri": uri}


def list_user_grants(
    ctx: BlaizeContext, userId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        owned(session, User, userId, caller.tenant_id, "User")
        grants = tenant_rows(session, Grant, caller.tenant_id, Grant.user_id == userId)
        return {"results": [grant_view(grant) for grant in grants]}, 200


def create_user_grant(
    ctx: BlaizeContext, userId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        owned(session, User, userId, caller.tenant_id, "User")
        refuse_unstorable(body)
        refuse_unknown(session, caller.tenant_id, [_product(body)])
        grant = Grant(
            id=new_id(),
            tenant_id=caller.tenant_id,
            user_id=userId,
            entitlement_type=body["entitlement_type"],
            entitlement_id=body["entitlement_id"],
        )
        session.add(grant)
        grant_changed(session, grant, GRANT_CREATE)
    answer = _answer(ctx, grant, "Grant created successfully")
    return answer, 201, {"Location": answer["uri"]}


def get_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return grant_view(_user_grant(session, caller.tenant_id, userId, grantId)), 200


def delete_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        grant = _user_grant(session, caller.tenant_id, userId, grantId)
        grant_changed(session, grant, GRANT_DELETE)
        session.delete(grant)
    return {"message": "Grant deleted successfully"}, 200


def upsert_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        owned(session, User, userId, caller.tenant_id, "User")
        refuse_unstorable(grantId, body)
        refuse_unknown(session, caller.tenant_id, [_product(body)])
        grant = session.get(Grant, (caller.tenant_id, grantId))
        created = grant is None
        if grant is None:
            grant = Grant(id=grantId, tenant_id=caller.tenant_id, user_id=userId)
            session.add(grant)
        elif grant.user_id != userId:
            raise conflict("This grant id is taken by another grant")
        grant.entitlement_type = body["entitlement_type"]
        grant.entitlement_id = body["entitlement_id"]
        grant_changed(session, grant, GRANT_CREATE if created else GRANT_UPDATE)
    if created:
        answer = _answer(ctx, grant, "Grant created successfully")
        return answer, 201, ctx.location(f"/v3/users/{grant.user_id}/grants/{grant.id}")
    return _answer(ctx, grant, "Grant updated successfully"), 200


def get_user_access_model(
    ctx: BlaizeContext, userId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        owned(session, User, userId, caller.tenant_id, "User")
        return access_model(session, caller.tenant_id, userId), 200


def get_account_grant(
    ctx: BlaizeContext, accountId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return grant_view(_account_grant(session, caller.tenant_id, accountId, grantId)), 200


def delete_account_grant(
    ctx: BlaizeContext, accountId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        grant = _account_grant(session, caller.tenant_id, accountId, grantId)
        grant_changed(session, grant, GRANT_DELETE)
        session.delete(grant)
    return {"message": "Grant deleted successfully"}, 200
