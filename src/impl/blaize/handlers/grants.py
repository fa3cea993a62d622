"""Handlers of the grants module: grants to users and accounts, and the access model."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.catalogue.access_model import access_model
from contractkit.impl.blaize.catalogue.grants import (
    account_grant,
    account_grants,
    grant_to_account,
    grant_to_user,
    revoke_grant,
    store_user_grant,
    user_grant,
    user_grants,
)
from contractkit.impl.blaize.catalogue.holdings import Ref
from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.users import tenant_user
from contractkit.impl.blaize.tenancy.records import grant_view
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def _product(body: dict[str, Any]) -> Ref:
    """The product a grant's body names."""
    return body["entitlement_type"], body["entitlement_id"]


def _answer(ctx: BlaizeContext, grant: Grant, message: str) -> dict[str, str]:
    uri = ctx.uri(f"/v3/users/{grant.user_id}/grants/{grant.id}")
    return {"grantId": grant.id, "message": message, "uri": uri}


def list_user_grants(
    ctx: BlaizeContext, userId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        grants = user_grants(session, caller.tenant_id, userId)
        return {"results": [grant_view(grant) for grant in grants]}, 200


def create_user_grant(
    ctx: BlaizeContext, userId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        tenant_user(session, caller.tenant_id, userId)
        refuse_unstorable(body)
        grant = grant_to_user(session, caller.tenant_id, userId, _product(body))
    answer = _answer(ctx, grant, "Grant created successfully")
    return answer, 201, {"Location": answer["uri"]}


def get_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return grant_view(user_grant(session, caller.tenant_id, userId, grantId)), 200


def delete_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        grant = user_grant(session, caller.tenant_id, userId, grantId)
        revoke_grant(session, grant)
    return {"message": "Grant deleted successfully"}, 200


def upsert_user_grant(
    ctx: BlaizeContext, userId: str, grantId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        tenant_user(session, caller.tenant_id, userId)
        refuse_unstorable(grantId, body)
        product = _product(body)
        grant, created = store_user_grant(session, caller.tenant_id, userId, grantId, product)
    if created:
        answer = _answer(ctx, grant, "Grant created successfully")
        return answer, 201, ctx.location(f"/v3/users/{grant.user_id}/grants/{grant.id}")
    return _answer(ctx, grant, "Grant updated successfully"), 200


def get_user_access_model(
    ctx: BlaizeContext, userId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        tenant_user(session, caller.tenant_id, userId)
        return access_model(session, caller.tenant_id, userId), 200


def get_account_grant(
    ctx: BlaizeContext, accountId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return grant_view(account_grant(session, caller.tenant_id, accountId, grantId)), 200


def delete_account_grant(
    ctx: BlaizeContext, accountId: str, grantId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        grant = account_grant(session, caller.tenant_id, accountId, grantId)
        revoke_grant(session, grant)
    return {"message": "Grant deleted successfully"}, 200


def list_account_grants(
    ctx: BlaizeContext, accountId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        grants = account_grants(session, caller.tenant_id, accountId)
        return {"results": [grant_view(grant) for grant in grants]}, 200


def create_account_grant(
    ctx: BlaizeContext, accountId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        grant = grant_to_account(session, caller.tenant_id, accountId, _product(body))
    path = f"/v3/accounts/{accountId}/grants/{grant.id}"
    answer = {"grantId": grant.id, "message": "Grant created successfully", "uri": ctx.uri(path)}
    return answer, 201, ctx.location(path)
