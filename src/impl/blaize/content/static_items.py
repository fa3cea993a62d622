"""Static items: pieces of content the tenant stores under identifiers it chooses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import StaticItem
from contractkit.impl.blaize.tenancy.keyed import keyed_row
from contractkit.impl.timeutil import utcnow


def static_item_ids(session: Session, tenant_id: str) -> list[str]:
    """The identifiers of the tenant's items, in code-point order."""
    query = select(StaticItem.id).where(StaticItem.tenant_id == tenant_id)
    return sorted(session.scalars(query))


def find_static_item(session: Session, tenant_id: str, item_id: str) -> StaticItem:
    """The tenant's item under ``item_id``, or 404."""
    return keyed_row(session, StaticItem, tenant_id, item_id, "Static Item")


def remove_static_item(session: Session, item: StaticItem) -> None:
    session.delete(item)


def store_static_item(
    session: Session, tenant_id: str, item_id: str, content: str
) -> tuple[StaticItem, bool]:
    """Create or replace the item; returns it and whether it was created."""
    item = session.get(StaticItem, (tenant_id, item_id))
    created = item is None
    if item is None:
        item = StaticItem(tenant_id=tenant_id, id=item_id)
        session.add(item)
    item.item = content
    item.updated_at = utcnow()
    return item, created
