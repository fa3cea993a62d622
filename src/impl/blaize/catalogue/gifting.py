"""Gifts of access to one path: claimed once, then that path is open to whoever claimed it.

A gift's ``uri`` and the paths it is compared with are compared by their path portion: no
scheme, host, query or fragment, and no leading ``/`` (``/news/story?gift=1`` and
``news/story`` are the same path).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Gift
from contractkit.impl.blaize.people.subjects import parse_subject
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.keyed import keyed_row
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.db import rows_affected
from contractkit.impl.timeutil import utcnow


def path_key(value: str) -> str:
    """The path portion of a path or URL, without leading slashes."""
    return urlsplit(value).path.lstrip("/")


def unclaimed_gifts(session: Session, tenant_id: str) -> list[Gift]:
    """The tenant's gifts nobody has claimed yet, oldest first."""
    return tenant_rows(session, Gift, tenant_id, Gift.claimed_at.is_(None))


def add_gift(session: Session, tenant_id: str, uri: str) -> Gift:
    """A new, unclaimed gift of the path of ``uri``."""
    gift = Gift(tenant_id=tenant_id, id=new_id(), uri=uri, path_key=path_key(uri))
    session.add(gift)
    return gift


def find_gift(session: Session, tenant_id: str, gift_id: str) -> Gift:
    """The tenant's gift with this id, claimed or not, or 404."""
    return keyed_row(session, Gift, tenant_id, gift_id, "Gift")


def remove_gift(session: Session, gift: Gift) -> None:
    session.delete(gift)


def claim_gift(session: Session, tenant_id: str, gift_id: str, path: str, claimant: str) -> bool:
    """Claim the gift for ``claimant`` (``user:<id>`` or ``anonymous:<opaque>``) on ``path``.

    True when the gift exists, is for this path, and was unclaimed (it is claimed now, and
    ``cross_device_session`` records the claimant's session or user id) or was already
    claimed by this claimant.
    """
    _, claimant_id = parse_subject(claimant)
    if contains_nul([gift_id, path]):
        return False
    gift_key = (Gift.tenant_id == tenant_id, Gift.id == gift_id)
    uri_key = session.execute(select(Gift.path_key).where(*gift_key)).scalar()
    if uri_key is None or uri_key != path_key(path):
        return False
    claimed = session.execute(
        update(Gift)
        .where(*gift_key, Gift.claimed_at.is_(None))
        .values(claimed_at=utcnow(), claimed_by=claimant, cross_device_session=claimant_id)
        .execution_options(synchronize_session=False)
    )
    if rows_affected(claimed) == 1:
        return True
    holder = session.execute(select(Gift.claimed_by).where(*gift_key)).scalar()
    return holder == claimant


def gift_allows(session: Session, tenant_id: str, path: str, claimant: str) -> bool:
    """Whether ``claimant`` claimed a gift of ``path``."""
    parse_subject(claimant)
    if contains_nul(path):
        return False
    found = session.execute(
        select(Gift.id)
        .where(
            Gift.tenant_id == tenant_id,
            Gift.claimed_by == claimant,
            Gift.path_key == path_key(path),
        )
        .limit(1)
    ).scalar()
    return found is not None
