"""Products: what is sold, and the bundle a purchase grants (indexed as a reference)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Product
from contractkit.impl.blaize.catalogue.references import drop_links, refuse_unknown, replace_links
from contractkit.impl.blaize.tenancy.keyed import claim_keyed_row, keyed_row
from contractkit.impl.blaize.tenancy.records import tenant_rows

KIND = "product"


def tenant_products(session: Session, tenant_id: str) -> list[Product]:
    """The tenant's products, oldest first."""
    return tenant_rows(session, Product, tenant_id)


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
