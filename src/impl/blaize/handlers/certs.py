"""Handlers of the certs module: the tenant's one TLS certificate."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import tenant_certs
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.certificates import CertificateRejected, check_pair
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import ApiError


def create_cert(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    try:
        checked = check_pair(body["cert"], body["private_key"])
    except CertificateRejected as exc:
        rejection: CertificateRejected | None = exc
    else:
        rejection = None
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        refuse_unstorable(body["label"])
        if rejection is not None:
            raise ApiError(409, "conflict", str(rejection))
        tenant_certs.store_cert(
            session, ctx.settings.master_key, caller.tenant_id, body["label"], checked
        )
    return {"message": "Cert created successfully"}, 201


def delete_cert(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        tenant_certs.delete_cert(session, caller.tenant_id)
    return {"message": "Cert deleted successfully"}, 200
