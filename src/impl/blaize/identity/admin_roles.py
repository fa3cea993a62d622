"""Admin roles: which admin user (by e-mail address) holds which role in a tenant.

No change may leave a tenant without an ``admin`` role, and admins cannot take their own
managing rights away (another admin must), so no tenant can lock itself out by mistake.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.access import Caller, Permission, permissions_of, roles_in
from contractkit.impl.blaize.identity.admin_users import known_admin
from contractkit.impl.blaize.identity.installation import ADMIN_ROLE
from contractkit.impl.blaize.identity.models import AdminRole
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import ApiError, conflict, not_found


def roles_of_admin(session: Session, caller: Caller, user_id: str) -> list[AdminRole]:
    """The admin user's roles: in every tenant for oneself, else in the caller's tenant."""
    admin = known_admin(session, caller.tenant_id, user_id)
    query = select(AdminRole).where(AdminRole.email == admin.email)
    if admin.id != caller.admin.id:
        query = query.where(AdminRole.tenant_id == caller.tenant_id)
    return list(session.scalars(query.order_by(AdminRole.tenant_id, AdminRole.role)))


def roles_of_admin_in(
    session: Session, caller: Caller, user_id: str, tenant: str
) -> list[AdminRole]:
    """The admin user's roles in ``tenant``: the caller's own tenant, or any for oneself."""
    admin = known_admin(session, caller.tenant_id, user_id)
    visible = tenant == caller.tenant_id or admin.id == caller.admin.id
    if not visible or contains_nul(tenant) or session.get(Tenant, tenant) is None:
        raise not_found("Tenant")
    roles = session.scalars(
        select(AdminRole)
        .where(AdminRole.email == admin.email, AdminRole.tenant_id == tenant)
        .order_by(AdminRole.role)
    )
    return list(roles)


def tenant_roles(session: Session, tenant_id: str) -> list[AdminRole]:
    """Every role assignment of the tenant, by e-mail address and role."""
    roles = session.scalars(
        select(AdminRole)
        .where(AdminRole.tenant_id == tenant_id)
        .order_by(AdminRole.email, AdminRole.role, AdminRole.id)
    )
    return list(roles)


def tenant_role(session: Session, tenant_id: str, role_id: str) -> AdminRole:
    """The tenant's role assignment ``role_id``, else 404."""
    role = None if contains_nul(role_id) else session.get(AdminRole, role_id)
    if role is None or role.tenant_id != tenant_id:
        raise not_found("Admin role")
    return role


def _ensure_unique(session: Session, tenant_id: str, email: str, role: str) -> None:
    taken = session.scalar(
        select(AdminRole.id).where(
            AdminRole.tenant_id == tenant_id, AdminRole.email == email, AdminRole.role == role
        )
    )
    if taken:
        raise conflict("This admin user already holds this role in the tenant")


def _keep_admins(session: Session, caller: Caller) -> None:
    """Refuse a change that leaves the tenant without admins, or the caller without rights."""
    session.flush()
    remaining = session.scalar(
        select(func.count())
        .select_from(AdminRole)
        .where(AdminRole.tenant_id == caller.tenant_id, AdminRole.role == ADMIN_ROLE)
    )
    if not remaining:
        raise ApiError(409, "conflict", "The tenant's last admin role cannot be removed")
    own = permissions_of(roles_in(session, caller.tenant_id, caller.admin.email))
    if Permission.MANAGE not in own:
        raise ApiError(409, "conflict", "Admins cannot remove their own admin role")


def create_role(session: Session, tenant_id: str, email: str, name: str) -> AdminRole:
    """A new role assignment in the tenant; 409 when the admin user already holds it."""
    refuse_unstorable(email, name)
    _ensure_unique(session, tenant_id, email, name)
    role = AdminRole(id=new_id(), tenant_id=tenant_id, email=email, role=name)
    session.add(role)
    return role


def update_role(session: Session, caller: Caller, role_id: str, email: str, name: str) -> None:
    """Reassign the caller's tenant's role ``role_id`` (a no-op when nothing changes)."""
    role = tenant_role(session, caller.tenant_id, role_id)
    refuse_unstorable(email, name)
    if (role.email, role.role) != (email, name):
        _ensure_unique(session, caller.tenant_id, email, name)
        role.email, role.role = email, name
        _keep_admins(session, caller)


def delete_role(session: Session, caller: Caller, role_id: str) -> None:
    """Remove the caller's tenant's role ``role_id``."""
    session.delete(tenant_role(session, caller.tenant_id, role_id))
    _keep_admins(session, caller)
