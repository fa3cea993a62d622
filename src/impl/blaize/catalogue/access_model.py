"""A user's (or an anonymous visitor's) access model: what they may access now.

What is held comes from ``blaize.catalogue.holdings`` (grants, accounts' grants, bundles,
auto-assignment); the numbers come from ``blaize.catalogue.metering``. An entitlement is
delivered when it is held directly, or when a held meter or credit that delivers it has
units left (``meteredBy`` / ``creditedBy`` name those). Meters and credits held are listed
with their state, used up or not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.holdings import (
    Holdings,
    anonymous_holdings,
    user_holdings,
)
from contractkit.impl.blaize.catalogue.metering import credit_balance, meter_state
from contractkit.impl.blaize.catalogue.models import Credit, Meter
from contractkit.impl.blaize.people.subjects import anonymous_subject, user_subject
from contractkit.impl.timeutil import isoformat, utcnow

AccessModel = dict[str, Any]

__all__ = ["access_model", "anonymous_access_model"]


def _with_unit(unit: str | None, values: dict[str, Any]) -> dict[str, Any]:
    return values if unit is None else {"unit": unit, **values}


def _meters(
    session: Session, tenant_id: str, held: Holdings, subject: str, now: datetime
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The held meters' states, and which entitlements each meter with units left delivers."""
    states: dict[str, Any] = {}
    delivering: dict[str, list[str]] = {}
    for meter_id in held.meters:
        meter = session.get(Meter, (tenant_id, meter_id))
        state = meter_state(session, tenant_id, meter_id, subject, now)
        if meter is None or state is None:
            continue
        states[meter_id] = _with_unit(
            meter.unit,
            {
                "limit": state.limit,
                "used": state.used,
                "remaining": state.remaining,
                "period_start": isoformat(state.period_start),
                "period_end": isoformat(state.period_end),
            },
        )
        if state.remaining > 0:
            delivering[meter_id] = list(meter.delivers or [])
    return states, delivering


def _credits(
    session: Session, tenant_id: str, held: Holdings, user_id: str | None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The held credits' states, and which entitlements each credit with units left delivers."""
    states: dict[str, Any] = {}
    delivering: dict[str, list[str]] = {}
    if user_id is None:
        return states, delivering
    for credit_id, grants in held.credits.items():
        credit = session.get(Credit, (tenant_id, credit_id))
        if credit is None:
            continue
        state = credit_balance(session, credit, user_id, grants)
        states[credit_id] = _with_unit(
            credit.unit,
            {"quantity": state.quantity, "used": state.used, "remaining": state.remaining},
        )
        if state.remaining > 0:
            delivering[credit_id] = list(credit.delivers or [])
    return states, delivering


def _model(
    session: Session,
    tenant_id: str,
    held: Holdings,
    subject: str,
    user_id: str | None,
    now: datetime | None,
) -> AccessModel:
    meters, metered = _meters(session, tenant_id, held, subject, now or utcnow())
    credits, credited = _credits(session, tenant_id, held, user_id)
    delivered: dict[str, dict[str, Any]] = {}

    def entry(entitlement_id: str) -> dict[str, Any]:
        if entitlement_id not in delivered:
            delivered[entitlement_id] = {
                "id": entitlement_id,
                "direct": False,
                "meteredBy": [],
                "creditedBy": [],
            }
        return delivered[entitlement_id]

    for entitlement_id in held.entitlements:
        entry(entitlement_id)["direct"] = True
    for field, sources in (("meteredBy", metered), ("creditedBy", credited)):
        for source_id, entitlement_ids in sources.items():
            for entitlement_id in entitlement_ids:
                if source_id not in entry(entitlement_id)[field]:
                    entry(entitlement_id)[field].append(source_id)
    return {
        "meters": meters,
        "credits": credits,
        "delivered_entitlements": list(delivered.values()),
    }


def access_model(
    session: Session, tenant_id: str, user_id: str, now: datetime | None = None
) -> AccessModel:
    """The access model of the tenant's user ``user_id``."""
    held = user_holdings(session, tenant_id, user_id)
    return _model(session, tenant_id, held, user_subject(user_id), user_id, now)


def anonymous_access_model(
    session: Session, tenant_id: str, opaque: str, now: datetime | None = None
) -> AccessModel:
    """The access model of an anonymous visitor (``opaque``: their session's id digest)."""
    held = anonymous_holdings(session, tenant_id)
    return _model(session, tenant_id, held, anonymous_subject(opaque), None, now)
