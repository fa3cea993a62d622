"""Handlers of the products module: what is sold, and the bundle a purchase grants."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.catalogue.sold_products import (
    ProductFields,
    find_product,
    remove_product,
    store_product,
    tenant_products,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import conflict


def product_view(product: ProductFields) -> dict[str, Any]:
    """A product as answers show it, from its model or from a row of those fields."""
    view: dict[str, Any] = {"id": product.id}
    for name in ("label", "description"):
        if getattr(product, name) is not None:
            view[name] = getattr(product, name)
    view["entitlement"] = product.entitlement
    view["mapping"] = product.mapping
    return view


def list_products(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        products = tenant_products(session, caller.tenant_id)
        return {"results": [product_view(product) for product in products]}, 200


def get_product(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return product_view(find_product(session, caller.tenant_id, id)), 200


def save_product(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(id, body)
        if "id" in body and body["id"] != id:
            raise conflict(f"The body's id {body['id']!r} differs from the path's id {id!r}")
        product, created = store_product(session, caller.tenant_id, id, body)
        answer = product_view(product)
    if created:
        return answer, 201, ctx.location(f"/v3/products/{id}")
    return answer, 200


def delete_product(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        product = find_product(session, caller.tenant_id, id)
        remove_product(session, product)
    return {"message": "Product deleted successfully"}, 200
