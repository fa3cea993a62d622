"""What a user, or an anonymous visitor, holds of the catalogue.

A user holds every product granted to them or to an account they belong to, and every product
whose ``auto_assign`` is ``registered`` or ``all``; an anonymous visitor holds the products
whose ``auto_assign`` is ``anonymous`` or ``all`` (credits excepted: credits are spent by
users). A bundle held delivers what it includes, recursively: a bundle reached again (a
cycle, or a bundle included twice) adds nothing more. Each grant (or auto-assignment) that
reaches a credit adds the credit's ``quantity`` once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import (
    Bundle,
    CatalogueLink,
    Credit,
    Entitlement,
    Grant,
    Meter,
)
from contractkit.impl.blaize.people.models import AccountUser, User
from contractkit.impl.blaize.tenancy.storable import contains_nul

Ref = tuple[str, str]
"""A product: ``(kind, id)``, kind being ``entitlement``, ``bundle``, ``meter`` or ``credit``."""

MODELS: dict[str, type[Entitlement | Bundle | Meter | Credit]] = {
    "entitlement": Entitlement,
    "bundle": Bundle,
    "meter": Meter,
    "credit": Credit,
}
REGISTERED = ("registered", "all")
ANONYMOUS = ("anonymous", "all")


@dataclass
class Holdings:
    """Products held, each in the order first reached."""

    entitlements: list[str] = field(default_factory=list)
    meters: list[str] = field(default_factory=list)
    credits: Counter[str] = field(default_factory=Counter)
    """Credit id -> how many grants (or auto-assignments) reach it."""


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


def auto_assigned(session: Session, tenant_id: str, audience: tuple[str, ...]) -> list[Ref]:
    """Products assigned to ``audience`` automatically, by kind then creation."""
    refs: list[Ref] = []
    for kind, model in MODELS.items():
        if kind == "credit" and audience == ANONYMOUS:
            continue
        query = (
            select(model.id)
            .where(model.tenant_id == tenant_id, model.auto_assign.in_(audience))
            .order_by(model.created_at, model.id)
        )
        refs.extend((kind, product_id) for product_id in session.scalars(query))
    return refs


_EXISTING = {
    kind: select(model.id).where(
        model.tenant_id == bindparam("tenant_id"), model.id.in_(bindparam("ids", expanding=True))
    )
    for kind, model in MODELS.items()
}
"""One statement per kind, built once (its cache key too): the values are bound per call."""


def existing(session: Session, tenant_id: str, refs: list[Ref]) -> set[Ref]:
    """Those of ``refs`` that name a product of the tenant."""
    found: set[Ref] = set()
    for kind, query in _EXISTING.items():
        ids = sorted({ref_id for ref_kind, ref_id in refs if ref_kind == kind})
        if ids:
            rows = session.scalars(query, {"tenant_id": tenant_id, "ids": ids})
            found.update((kind, product_id) for product_id in rows)
    return found


class _Expansion:
    """Walks bundles, remembering each bundle's links across the walks of one computation."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.links: dict[str, list[Ref]] = {}

    def included(self, bundle_id: str) -> list[Ref]:
        if bundle_id not in self.links:
            rows = self.session.execute(
                select(CatalogueLink.item_kind, CatalogueLink.item_id)
                .where(
                    CatalogueLink.tenant_id == self.tenant_id,
                    CatalogueLink.owner_kind == "bundle",
                    CatalogueLink.owner_id == bundle_id,
                )
                .order_by(CatalogueLink.position)
            )
            self.links[bundle_id] = [(kind, item_id) for kind, item_id in rows]
        return self.links[bundle_id]

    def reach(self, root: Ref) -> list[Ref]:
        """Every entitlement, meter and credit ``root`` delivers, once each, in order."""
        reached: list[Ref] = []
        seen: set[Ref] = set()
        stack = [root]
        while stack:
            ref = stack.pop()
            if ref in seen:
                continue
            seen.add(ref)
            if ref[0] == "bundle":
                stack.extend(reversed(self.included(ref[1])))
            else:
                reached.append(ref)
        return reached


def holdings_from(session: Session, tenant_id: str, roots: list[Ref]) -> Holdings:
    """What the given grants and auto-assignments deliver (unknown products are skipped)."""
    known = existing(session, tenant_id, roots)
    expansion = _Expansion(session, tenant_id)
    held = Holdings()
    for root in roots:
        if root not in known:
            continue
        for kind, product_id in expansion.reach(root):
            if kind == "credit":
                held.credits[product_id] += 1
            elif kind == "meter" and product_id not in held.meters:
                held.meters.append(product_id)
            elif kind == "entitlement" and product_id not in held.entitlements:
                held.entitlements.append(product_id)
    return held


def user_holdings(session: Session, tenant_id: str, user_id: str) -> Holdings:
    """What the tenant's user holds (nothing when there is no such user)."""
    user = None if contains_nul(user_id) else session.get(User, user_id)
    if user is None or user.tenant_id != tenant_id:
        return Holdings()
    roots = [
        (grant.entitlement_type, grant.entitlement_id)
        for grant in grants_reaching(session, tenant_id, user_id)
    ]
    return holdings_from(session, tenant_id, roots + auto_assigned(session, tenant_id, REGISTERED))


def anonymous_holdings(session: Session, tenant_id: str) -> Holdings:
    """What every anonymous visitor of the tenant holds."""
    return holdings_from(session, tenant_id, auto_assigned(session, tenant_id, ANONYMOUS))
