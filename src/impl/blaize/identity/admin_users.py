"""Admin users: created by a tenant's managers, known to the tenants where they hold roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.access import admin_in_tenant
from contractkit.impl.blaize.identity.models import AdminUser
from contractkit.impl.blaize.tenancy.ids import new_uuid
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import conflict, not_found


def admin_by_email(session: Session, email: str) -> AdminUser | None:
    """The admin user with this (lower-case) e-mail address, in any tenant."""
    return session.scalar(select(AdminUser).where(AdminUser.email == email))


def create_admin_user(
    session: Session, tenant_id: str, email: str, password_hash: str | None
) -> AdminUser:
    """A new admin user created in the tenant; 409 when the e-mail address is taken."""
    refuse_unstorable(email)
    if session.scalar(select(AdminUser.id).where(AdminUser.email == email)):
        raise conflict("An admin user with this email address already exists")
    admin = AdminUser(
        id=new_uuid(), email=email, password_hash=password_hash, home_tenant_id=tenant_id
    )
    session.add(admin)
    return admin


def known_admin(session: Session, tenant_id: str, admin_user_id: str) -> AdminUser:
    """An admin user the tenant knows (created there, or holding a role there), else 404."""
    admin = admin_in_tenant(session, tenant_id, admin_user_id)
    if admin is None:
        raise not_found("Admin user")
    return admin
