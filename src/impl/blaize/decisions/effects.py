"""What deciding a request writes: gift claims, meter views and credits spent.

Everything happens in the decision's transaction, so a decision that ends in an error writes
nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.gifting import claim_gift, gift_allows
from contractkit.impl.blaize.catalogue.metering import record_view, spend_credit
from contractkit.impl.blaize.catalogue.models import Credit, Meter
from contractkit.impl.blaize.decisions.protocol import Decision
from contractkit.impl.blaize.decisions.requester import Identity, storable_text
from contractkit.impl.blaize.decisions.rules import RuleFailure
from contractkit.impl.errors import ApiError

GIFT_PARAMETER = "gift"


def gift_lets_through(
    session: Session, tenant_id: str, identity: Identity, request: dict[str, Any]
) -> bool:
    """Whether a gift opens the path to the visitor: claimed now by ``?gift=``, or before."""
    claimant = identity.subject
    path = request["path"]
    if claimant is None or not storable_text(path):
        return False
    gift_id = request["query"].get(GIFT_PARAMETER)
    claimed = bool(gift_id) and storable_text(gift_id)
    if claimed and claim_gift(session, tenant_id, gift_id, path, claimant):
        return True
    return gift_allows(session, tenant_id, path, claimant)


def _require(
    session: Session, model: type[Meter | Credit], tenant_id: str, product_id: str
) -> None:
    """A script error unless the tenant has this meter or credit."""
    if not storable_text(product_id) or session.get(model, (tenant_id, product_id)) is None:
        kind = model.__name__.lower()
        raise RuleFailure(
            "script_error", f"The decision names the {kind} {product_id!r}, which does not exist"
        )


def use_up(session: Session, tenant_id: str, identity: Identity, decision: Decision) -> None:
    """Count one view of each meter, spend one unit of each credit the decision names.

    A visitor known by nothing cannot be metered (nothing is counted); credits are spent by
    users only (409 for anyone else, and when no unit is left).
    """
    for meter_id in decision.meters:
        _require(session, Meter, tenant_id, meter_id)
        if identity.subject is not None:
            record_view(session, tenant_id, meter_id, identity.subject)
    for credit_id in decision.credits:
        _require(session, Credit, tenant_id, credit_id)
        if identity.user_id is None:
            raise ApiError(409, "conflict", "Credits cannot be spent by an anonymous visitor")
        spend_credit(session, tenant_id, credit_id, identity.user_id)
