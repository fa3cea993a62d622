"""The five operations the entitlements, bundles, meters and credits documents share.

This module answers no document of its own: each of those four handler modules binds
``ProductOperations`` to its kind of product (``blaize.catalogue.products``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractkit.impl.blaize.catalogue.products import (
    Kind,
    Product,
    add_product,
    find_product,
    products_of,
    remove_product,
    store_product,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.records import set_fields_view
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def product_view(kind: Kind, row: Product) -> dict[str, Any]:
    """The stored product: its id and every field that has a value."""
    return set_fields_view(row.id, row, kind.defaults)


def _saved(ctx: BlaizeContext, kind: Kind, product_id: str, verb: str) -> dict[str, str]:
    uri = ctx.uri(f"{kind.collection}/{product_id}")
    return {"id": product_id, "message": f"{kind.title} {verb} successfully", "uri": uri}


@dataclass(frozen=True)
class ProductOperations:
    """The five operations of one kind's module document, bound to the kind."""

    kind: Kind

    def list_all(self, ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.READ)
            rows = products_of(session, self.kind, caller.tenant_id)
            return {"results": [product_view(self.kind, row) for row in rows]}, 200

    def create(
        self, ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
    ) -> tuple[dict, int, dict]:
        kind = self.kind
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.WRITE)
            refuse_unstorable(body)
            row = add_product(session, kind, caller.tenant_id, body)
        answer = _saved(ctx, kind, row.id, "created")
        return answer, 201, ctx.location(f"{kind.collection}/{row.id}")

    def upsert(
        self, ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
    ) -> tuple[dict, int] | tuple[dict, int, dict]:
        kind = self.kind
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.WRITE)
            refuse_unstorable(id, body)
            created = store_product(session, kind, caller.tenant_id, id, body)
        if created:
            answer = _saved(ctx, kind, id, "created")
            return answer, 201, ctx.location(f"{kind.collection}/{id}")
        return _saved(ctx, kind, id, "updated"), 200

    def get(self, ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.READ)
            row = find_product(session, self.kind, caller.tenant_id, id)
            return product_view(self.kind, row), 200

    def delete(self, ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.WRITE)
            row = find_product(session, self.kind, caller.tenant_id, id)
            remove_product(session, self.kind, row)
        return {"message": f"{self.kind.title} deleted successfully"}, 200
