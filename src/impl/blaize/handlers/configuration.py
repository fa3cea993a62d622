"""Handlers of the configuration module: the tenant's flat map of settings."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import configuration
from contractkit.impl.blaize.identity.access import Permission, authorize


def get_configuration(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        return configuration.tenant_configuration(session, caller.tenant_id), 200


def save_configuration(
    ctx: BlaizeContext, body: dict[str, str], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        return configuration.save_configuration(session, caller.tenant_id, body), 200
