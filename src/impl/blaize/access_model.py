"""A user's access model: what their grants, and their accounts' grants, deliver now.

Grants of entitlements deliver them directly. Grants of bundles, meters and credits are kept
and listed with the user's grants; what they deliver is computed by the catalogue of those
products (see ``CATALOGUE``), which extends the model below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from impl.blaize.models import AccountUser, Grant

AccessModel = dict[str, Any]
Extension = Callable[[Session, str, list[Grant], AccessModel], None]

CATALOGUE: list[Extension] = []
"""Functions that add what bundle, meter and credit grants deliver to a model."""


def grants_reaching(session: Session, tenant_id: str, user_id: str) -> list[Grant]:
    """The user's own grants, then those of every account the user belongs to."""
    accounts = select(AccountUser.account_id).where(AccountUser.user_id == user_id)
    query = (
        select(Grant)
        .where(
            Grant.tenant_id == tenant_id,
            or_(Grant.user_id == user_id, Grant.account_id.in_(accounts)),
        )
        .order_by(Grant.account_id.is_not(None), Grant.created_at, Grant.id)
    )
    return list(session.scalars(query))


def access_model(session: Session, tenant_id: str, user_id: str) -> AccessModel:
    grants = grants_reaching(session, tenant_id, user_id)
    delivered: dict[str, dict[str, Any]] = {}
    for grant in grants:
        if grant.entitlement_type == "entitlement" and grant.entitlement_id not in delivered:
            delivered[grant.entitlement_id] = {
                "id": grant.entitlement_id,
                "direct": True,
                "meteredBy": [],
                "creditedBy": [],
            }
    model: AccessModel = {
        "meters": {},
        "credits": {},
        "delivered_entitlements": list(delivered.values()),
    }
    for extend in CATALOGUE:
        extend(session, tenant_id, grants, model)
    return model
