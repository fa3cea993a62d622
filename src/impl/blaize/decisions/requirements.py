"""What a rule's requirements see: the named parts of the visitor's access model.

``entitlement:<id>`` -> ``{granted, direct, meteredBy, creditedBy}`` (granted: the access
model delivers it); ``meter:<id>`` -> ``{remaining, limit}``; ``credit:<id>`` ->
``{remaining}``. A meter or credit the visitor does not hold reads as ``remaining: 0`` (and
``limit: 0``). A visitor known by nothing (no user, no session) cannot be metered: every
meter reads ``remaining: 0`` and delivers nothing. Only what a rule names is computed, once
per decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.access_model import (
    AccessModel,
    access_model,
    anonymous_access_model,
)
from contractkit.impl.blaize.decisions.requester import Identity
from contractkit.impl.blaize.decisions.rules import Resolver

NOT_GRANTED = {"granted": False, "direct": False, "meteredBy": [], "creditedBy": []}


UNMETERED = "unmetered"
"""Stands for a visitor who cannot be metered; its meter states are never used as they are."""


def _without_metering(model: AccessModel) -> AccessModel:
    """The model with no views left on any meter (and nothing delivered by meters)."""
    delivered = [
        {**entry, "meteredBy": []}
        for entry in model["delivered_entitlements"]
        if entry.get("direct") or entry.get("creditedBy")
    ]
    return {
        "meters": {
            meter_id: {**state, "remaining": 0} for meter_id, state in model["meters"].items()
        },
        "credits": model["credits"],
        "delivered_entitlements": delivered,
    }


def model_of(session: Session, tenant_id: str, identity: Identity) -> AccessModel:
    """The access model of the visitor: a user, an anonymous session, or nobody known."""
    if identity.user_id is not None:
        return access_model(session, tenant_id, identity.user_id)
    if identity.session_digest is not None:
        return anonymous_access_model(session, tenant_id, identity.session_digest)
    return _without_metering(anonymous_access_model(session, tenant_id, UNMETERED))


def _entitlement(model: AccessModel, entitlement_id: str) -> dict[str, Any]:
    for delivered in model["delivered_entitlements"]:
        if delivered["id"] == entitlement_id:
            return {
                "granted": True,
                "direct": bool(delivered.get("direct")),
                "meteredBy": list(delivered.get("meteredBy") or []),
                "creditedBy": list(delivered.get("creditedBy") or []),
            }
    return dict(NOT_GRANTED)


def _meter(model: AccessModel, meter_id: str) -> dict[str, Any]:
    state = model["meters"].get(meter_id) or {}
    return {"remaining": state.get("remaining", 0), "limit": state.get("limit", 0)}


def _credit(model: AccessModel, credit_id: str) -> dict[str, Any]:
    state = model["credits"].get(credit_id) or {}
    return {"remaining": state.get("remaining", 0)}


READERS: dict[str, Callable[[AccessModel, str], dict[str, Any]]] = {
    "entitlement": _entitlement,
    "meter": _meter,
    "credit": _credit,
}


def resolver(session: Session, tenant_id: str, identity: Identity) -> Resolver:
    """Resolves requirement strings against the visitor's access model (computed when needed)."""
    cache: list[AccessModel] = []

    def resolve(names: list[str]) -> dict[str, Any]:
        if not names:
            return {}
        if not cache:
            cache.append(model_of(session, tenant_id, identity))
        requirements = {}
        for name in names:
            kind, _, product_id = name.partition(":")
            requirements[name] = READERS[kind](cache[0], product_id)
        return requirements

    return resolve
