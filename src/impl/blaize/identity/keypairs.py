"""Admin keypairs: issued to an admin user in a tenant, listed while live, revoked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity import signing
from contractkit.impl.blaize.identity.access import Caller, Permission, forbidden
from contractkit.impl.blaize.identity.admin_users import known_admin
from contractkit.impl.blaize.identity.models import AdminUser, Keypair
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import not_found
from contractkit.impl.timeutil import utcnow


def keypair_owner(session: Session, caller: Caller, user_id: str) -> AdminUser:
    """The admin user whose keypairs are addressed: oneself, or anyone for managers."""
    if user_id != caller.admin.id and not caller.may(Permission.MANAGE):
        raise forbidden("Only admins may handle other admin users' keypairs")
    return known_admin(session, caller.tenant_id, user_id)


def issue_keypair(session: Session, tenant_id: str, owner: AdminUser) -> Keypair:
    """A new keypair of the owner in the tenant; its secret is derived, never stored."""
    keypair = Keypair(
        access_key=signing.new_access_key(),
        admin_user_id=owner.id,
        tenant_id=tenant_id,
        salt=signing.new_salt(),
    )
    session.add(keypair)
    return keypair


def live_access_keys(session: Session, tenant_id: str, owner: AdminUser) -> list[str]:
    """The access keys of the owner's unrevoked keypairs in the tenant, oldest first."""
    keys = session.scalars(
        select(Keypair.access_key)
        .where(
            Keypair.admin_user_id == owner.id,
            Keypair.tenant_id == tenant_id,
            Keypair.revoked_at.is_(None),
        )
        .order_by(Keypair.created_at, Keypair.access_key)
    )
    return list(keys)


def revoke_keypair(session: Session, tenant_id: str, owner: AdminUser, access_key: str) -> None:
    """Revoke the owner's live keypair in the tenant, else 404."""
    keypair = None if contains_nul(access_key) else session.get(Keypair, access_key)
    if (
        keypair is None
        or keypair.admin_user_id != owner.id
        or keypair.tenant_id != tenant_id
        or keypair.revoked_at is not None
    ):
        raise not_found("Keypair")
    keypair.revoked_at = utcnow()
