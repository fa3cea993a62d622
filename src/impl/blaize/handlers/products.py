"""Handlers of the products module: what is sold, and the bundle a purchase grants."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Product
from contractkit.impl.blaize.catalogue.references import drop_links, refuse_unknown, replace_links
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import conflict, not_found

KIND = "product"


def product_view(product: Product) -> dict[str, Any]:
    view: dict[str, Any] = {"id": product.id}
    for name in ("label", "description"):
        if getattr(product, name) is not None:
            view[name] = getattr(product, name)
    view["entitlement"] = product.entitlement
    view["mapping"] = product.mapping
    return view


def _owned(session: Session, tenant_id: str, product_id: str) -> Product:
    product = None if contains_nul(product_id) else session.get(Product, (tenant_id, product_id))
    if product is None:
        raise not_found("Product")
    return product


def list_products(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        products = tenant_rows(session, Product, caller.tenant_id)
        return {"results": [product_view(product) for product in products]}, 200


def get_product(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return product_view(_owned(session, caller.tenant_id, id)), 200


def save_product(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int] | tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(id, body)
        if "id" in body and body["id"] != id:
            raise conflict(f"The body's id {body['id']!r} differs from the path's id {id!r}")
        bundle = ("bundle", body["entitlement"]["id"])
        refuse_unknown(session, caller.tenant_id, [bundle], (KIND, id))
        product = session.get(Product, (caller.tenant_id, id))
        created = product is None
        if product is None:
            product = Product(tenant_id=caller.tenant_id, id=id)
            session.add(product)
        product.label = body.get("label")
        product.description = body.get("description")
        product.entitlement = body["entitlement"]
        product.mapping = body["mapping"]
        session.flush()
        replace_links(session, caller.tenant_id, (KIND, id), [bundle])
        answer = product_view(product)
    if created:
        return answer, 201, ctx.location(f"/v3/products/{id}")
    return answer, 200


def delete_product(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        product = _owned(session, caller.tenant_id, id)
        drop_links(session, caller.tenant_id, (KIND, id))
        session.delete(product)
    return {"message": "Product deleted successfully"}, 200
