"""Handlers of the initialize module: installing the caller's tenant."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import forbidden, load_caller
from contractkit.impl.blaize.identity.installation import install_tenant
from contractkit.impl.errors import ApiError


def initialize_tenant(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        if caller.tenant.installed_at is not None:
            raise ApiError(409, "conflict", f"The tenant {caller.tenant_id!r} is already installed")
        if caller.admin.home_tenant_id != caller.tenant_id:
            raise forbidden("Only an admin user created in the tenant may install it")
        install_tenant(session, caller.tenant, caller.admin.email)
    return {"message": "Tenant installed successfully"}, 200
