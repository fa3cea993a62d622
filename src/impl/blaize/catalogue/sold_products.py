"""Products: what is sold, and the bundle a purchase grants (indexed as a reference)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Product
from contractkit.impl.blaize.catalogue.references import drop_links, refuse_unknown, replace_links
from contractkit.impl.blaize.tenancy.keyed import claim_keyed_row, keyed_row

KIND = "product"


ProductFields = Product | Row[Any]
"""A product, or a row of the fields answers show (:func:`tenant_products`)."""

_TENANT_PRODUCTS = (
    select(Product.id, Product.label, Product.description, Product.entitlement, Product.mapping)
    .where(Product.tenant_id == bindparam("tenant_id"))
    .order_by(Product.created_at, Product.id)
)
"""Built once: the columns an answer shows, as plain rows (no ORM instances to build)."""


def tenant_products(session: Session, tenant_id: str) -> Sequence[Any]:
    """The tenant's products, oldest first, as rows of the fields answers show."""
    return session.execute(_TENANT_PRODUCTS, {"tenant_id": tenant_id}).all()


def find_product(session: Session, tenant_id: str, product_id: str) -> Product:
    """The tenant's product with this id, or 404."""
    return keyed_row(session, Product, tenant_id, product_id, "Product")


def store_product(
    session: Session, tenant_id: str, product_id: str, body: dict[str, Any]
) -> tuple[Product, bool]:
    """Create or replace the product; 404 when the bundle it sells does not exist.

    Returns the product and whether it was created.
    """
    bundle = ("bundle", body["entitlement"]["id"])
    refuse_unknown(session, tenant_id, [bundle], (KIND, product_id))
    values = {
        "label": body.get("label"),
        "description": body.get("description"),
        "entitlement": body["entitlement"],
        "mapping": body["mapping"],
    }
    product, created = claim_keyed_row(session, Product, tenant_id, product_id, values)
    for name, value in values.items():
        setattr(product, name, value)
    session.flush()
    replace_links(session, tenant_id, (KIND, product_id), [bundle], fresh=created)
    return product, created


def remove_product(session: Session, product: Product) -> None:
    drop_links(session, product.tenant_id, (KIND, product.id))
    session.delete(product)
