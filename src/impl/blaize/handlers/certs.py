"""Handlers of the certs module: the tenant's one TLS certificate."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.certificates import (
    CertificateRejected,
    check_pair,
    encrypt_private_key,
)
from contractkit.impl.blaize.identity.models import Cert
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import ApiError, not_found


def create_cert(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    try:
        checked = check_pair(body["cert"], body["private_key"])
    except CertificateRejected as exc:
        rejection = exc
    else:
        rejection = None
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        refuse_unstorable(body["label"])
        if rejection is not None:
            raise ApiError(409, "conflict", str(rejection))
        stored = session.get(Cert, caller.tenant_id)
        if stored is None:
            stored = Cert(tenant_id=caller.tenant_id)
            session.add(stored)
        stored.label = body["label"]
        stored.certificate_pem = checked.certificate_pem
        stored.encrypted_private_key = encrypt_private_key(
            ctx.settings.master_key, checked.private_key_pem, caller.tenant_id
        )
        stored.fingerprint_sha256 = checked.fingerprint_sha256
        stored.not_after = checked.not_after
    return {"message": "Cert created successfully"}, 201


def delete_cert(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        stored = session.get(Cert, caller.tenant_id)
        if stored is None:
            raise not_found("Cert")
        session.delete(stored)
    return {"message": "Cert deleted successfully"}, 200
