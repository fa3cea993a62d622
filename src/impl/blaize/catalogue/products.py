"""The grantable products: entitlements, bundles, meters and credits, one table per kind.

Each kind is listed, created under an id Blaize assigns, stored under an id the client
chooses (the body replaces every field, omitted ones take their defaults), read and deleted.
References to other products are checked and indexed (``blaize.catalogue.references``);
deleting a product deletes its grants and its usage counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import delete
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.holdings import Ref
from contractkit.impl.blaize.catalogue.models import (
    Bundle,
    Credit,
    CreditUsage,
    Entitlement,
    Grant,
    Meter,
    MeterAnchor,
    MeterUsage,
)
from contractkit.impl.blaize.catalogue.references import (
    drop_links,
    refuse_referenced,
    refuse_unknown,
    replace_links,
)
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.keyed import keyed_row
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.db import Base

Product = Entitlement | Bundle | Meter | Credit
BUNDLE_KINDS = {
    "entitlements": "entitlement",
    "meters": "meter",
    "credits": "credit",
    "bundles": "bundle",
}
"""Keys of a bundle's ``includes``, and the kind of product each lists."""


def _delivered(body: dict[str, Any]) -> list[Ref]:
    return [("entitlement", entitlement_id) for entitlement_id in body.get("delivers") or []]


def _included(body: dict[str, Any]) -> list[Ref]:
    includes = body.get("includes") or {}
    return [
        (kind, item_id) for key, kind in BUNDLE_KINDS.items() for item_id in includes.get(key) or []
    ]


@dataclass(frozen=True)
class Kind:
    """One kind of product: its table, its fields (with defaults) and what it refers to."""

    name: str
    model: type[Product]
    collection: str
    defaults: dict[str, Any]
    references: Callable[[dict[str, Any]], list[Ref]] = lambda body: []
    usage: tuple[tuple[type[Base], str], ...] = field(default=())
    """Tables counting the product's use, with the column naming it."""

    @property
    def title(self) -> str:
        return self.name.capitalize()


COMMON = {"label": None, "description": None, "auto_assign": "none"}
ENTITLEMENTS = Kind("entitlement", Entitlement, "/v3/entitlements", COMMON)
BUNDLES = Kind("bundle", Bundle, "/v3/bundles", {**COMMON, "includes": {}}, _included)
METERS = Kind(
    "meter",
    Meter,
    "/v3/meters",
    {
        **COMMON,
        "unit": None,
        "limit": 0,
        "cycle": "calendar",
        "period": "monthly",
        "timezone": "+0:00",
        "delivers": [],
    },
    _delivered,
    ((MeterUsage, "meter_id"), (MeterAnchor, "meter_id")),
)
CREDITS = Kind(
    "credit",
    Credit,
    "/v3/credits",
    {**COMMON, "unit": None, "quantity": 0, "delivers": []},
    _delivered,
    ((CreditUsage, "credit_id"),),
)


def products_of(session: Session, kind: Kind, tenant_id: str) -> list[Product]:
    """The tenant's products of this kind, oldest first."""
    return tenant_rows(session, kind.model, tenant_id)


def _stored(session: Session, kind: Kind, tenant_id: str, product_id: str) -> Product | None:
    if contains_nul(product_id):
        return None
    return cast("Product | None", session.get(kind.model, (tenant_id, product_id)))


def find_product(session: Session, kind: Kind, tenant_id: str, product_id: str) -> Product:
    """The tenant's product of this kind with this id, or 404."""
    return keyed_row(session, kind.model, tenant_id, product_id, kind.title)


def _write(
    session: Session, kind: Kind, row: Product, body: dict[str, Any], *, fresh: bool
) -> None:
    refs = kind.references(body)
    refuse_unknown(session, row.tenant_id, refs, (kind.name, row.id))
    for name, default in kind.defaults.items():
        setattr(row, name, body.get(name, default))
    session.flush()
    replace_links(session, row.tenant_id, (kind.name, row.id), refs, fresh=fresh)


def add_product(session: Session, kind: Kind, tenant_id: str, body: dict[str, Any]) -> Product:
    """A new product of the body's fields (omitted ones take their defaults), under a new id."""
    row = kind.model(tenant_id=tenant_id, id=new_id())
    session.add(row)
    _write(session, kind, row, body, fresh=True)
    return row


def store_product(
    session: Session, kind: Kind, tenant_id: str, product_id: str, body: dict[str, Any]
) -> bool:
    """Create or replace the product under ``product_id``; returns whether it was created."""
    row = _stored(session, kind, tenant_id, product_id)
    created = row is None
    if row is None:
        row = kind.model(tenant_id=tenant_id, id=product_id)
        session.add(row)
    _write(session, kind, row, body, fresh=created)
    return created


def remove_product(session: Session, kind: Kind, row: Product) -> None:
    """Delete a product no other product refers to (else 409), with its grants and usage."""
    tenant_id, product_id = row.tenant_id, row.id
    refuse_referenced(session, tenant_id, (kind.name, product_id))
    drop_links(session, tenant_id, (kind.name, product_id))
    cleanups = [
        delete(Grant).where(
            Grant.tenant_id == tenant_id,
            Grant.entitlement_type == kind.name,
            Grant.entitlement_id == product_id,
        )
    ]
    cleanups.extend(
        delete(model).where(
            model.tenant_id == tenant_id,  # type: ignore[attr-defined]
            getattr(model, column) == product_id,
        )
        for model, column in kind.usage
    )
    for statement in cleanups:
        session.execute(statement.execution_options(synchronize_session=False))
    session.delete(row)
