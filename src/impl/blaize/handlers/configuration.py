"""Handlers of the configuration module: the tenant's flat map of settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.models import ConfigurationSetting
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def tenant_configuration(session: Session, tenant_id: str) -> dict[str, str]:
    rows = session.scalars(
        select(ConfigurationSetting)
        .where(ConfigurationSetting.tenant_id == tenant_id)
        .order_by(ConfigurationSetting.name)
    )
    return {row.name: row.value for row in rows}


def get_configuration(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        return tenant_configuration(session, caller.tenant_id), 200


def save_configuration(
    ctx: BlaizeContext, body: dict[str, str], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        refuse_unstorable(body)
        for name, value in body.items():
            row = session.get(ConfigurationSetting, (caller.tenant_id, name))
            if row is None:
                session.add(
                    ConfigurationSetting(tenant_id=caller.tenant_id, name=name, value=value)
                )
            else:
                row.value = value
        session.flush()
        return tenant_configuration(session, caller.tenant_id), 200
