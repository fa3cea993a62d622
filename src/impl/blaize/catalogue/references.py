"""References between products: checked when written, indexed, and guarding deletes.

Bundles include products, meters and credits deliver entitlements, products sell a bundle.
Every reference must name an existing product of the tenant when it is written (404
otherwise), and is indexed in ``blaize_catalogue_links`` so that deleting a product still
referred to can be refused (409).
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.holdings import Ref, existing
from contractkit.impl.blaize.catalogue.models import CatalogueLink
from contractkit.impl.errors import ApiError, conflict


def refuse_unknown(
    session: Session, tenant_id: str, refs: list[Ref], itself: Ref | None = None
) -> None:
    """404 naming the first reference to no product of the tenant (``itself`` counts as one)."""
    found = existing(session, tenant_id, refs) | ({itself} if itself else set())
    for kind, product_id in refs:
        if (kind, product_id) not in found:
            title = kind.capitalize()
            raise ApiError(
                404, "not_found", f"{title} {product_id!r} not found", {title: "not found"}
            )


def replace_links(
    session: Session, tenant_id: str, owner: Ref, refs: list[Ref], *, fresh: bool = False
) -> None:
    """Index ``owner``'s references (in order), replacing what was indexed before.

    A save that keeps the references (the usual update) reads them and writes nothing; a
    ``fresh`` owner (created by this transaction) has none indexed yet.
    """
    if not fresh:
        if links_of(session, tenant_id, owner) == refs:
            return
        drop_links(session, tenant_id, owner)
    if refs:
        rows = [
            {
                "tenant_id": tenant_id,
                "owner_kind": owner[0],
                "owner_id": owner[1],
                "position": position,
                "item_kind": kind,
                "item_id": item_id,
            }
            for position, (kind, item_id) in enumerate(refs)
        ]
        session.connection().execute(_INSERT_LINKS, rows)


_INSERT_LINKS = insert(CatalogueLink)
_LINKS_OF = (
    select(CatalogueLink.item_kind, CatalogueLink.item_id)
    .where(
        CatalogueLink.tenant_id == bindparam("tenant_id"),
        CatalogueLink.owner_kind == bindparam("owner_kind"),
        CatalogueLink.owner_id == bindparam("owner_id"),
    )
    .order_by(CatalogueLink.position)
)
"""Statements of every save, built once (their cache keys too): the values are bound per call."""


def links_of(session: Session, tenant_id: str, owner: Ref) -> list[Ref]:
    """``owner``'s references as indexed, in order."""
    values = {"tenant_id": tenant_id, "owner_kind": owner[0], "owner_id": owner[1]}
    return [(kind, item_id) for kind, item_id in session.connection().execute(_LINKS_OF, values)]


def drop_links(session: Session, tenant_id: str, owner: Ref) -> None:
    session.execute(
        delete(CatalogueLink)
        .where(
            CatalogueLink.tenant_id == tenant_id,
            CatalogueLink.owner_kind == owner[0],
            CatalogueLink.owner_id == owner[1],
        )
        .execution_options(synchronize_session=False)
    )


def refuse_referenced(session: Session, tenant_id: str, item: Ref) -> None:
    """409 when anything but ``item`` itself refers to it, naming who does."""
    rows = session.execute(
        select(CatalogueLink.owner_kind, CatalogueLink.owner_id)
        .where(
            CatalogueLink.tenant_id == tenant_id,
            CatalogueLink.item_kind == item[0],
            CatalogueLink.item_id == item[1],
        )
        .distinct()
        .order_by(CatalogueLink.owner_kind, CatalogueLink.owner_id)
    )
    owners = [f"{kind} {owner_id!r}" for kind, owner_id in rows if (kind, owner_id) != item]
    if owners:
        raise conflict(
            f"{item[0].capitalize()} {item[1]!r} is still referred to by {', '.join(owners)}"
        )
