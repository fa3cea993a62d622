"""Who is calling, in which tenant, and what their roles there let them do.

Roles are free-form names held per tenant (``POST /v3/admin/roles``). Three names carry
rights: ``admin`` (read, write and manage: admin users, roles, other users' keypairs,
configuration, certs), ``editor`` (read and write the tenant's data) and ``viewer`` (read
only). Any other role name carries no rights. Rights of several roles add up.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.models import AdminRole, AdminUser
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import ApiError, unauthorized


class Permission(enum.Flag):
    NONE = 0
    READ = enum.auto()
    WRITE = enum.auto()
    MANAGE = enum.auto()


ROLE_PERMISSIONS: dict[str, Permission] = {
    "admin": Permission.READ | Permission.WRITE | Permission.MANAGE,
    "editor": Permission.READ | Permission.WRITE,
    "viewer": Permission.READ,
}


def permissions_of(roles: list[str]) -> Permission:
    granted = Permission.NONE
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, Permission.NONE)
    return granted


@dataclass(frozen=True)
class Caller:
    admin: AdminUser
    tenant: Tenant
    permissions: Permission
    token_info: Mapping[str, Any]

    @property
    def tenant_id(self) -> str:
        return self.tenant.id

    def may(self, needed: Permission) -> bool:
        return needed in self.permissions


def forbidden(message: str = "The admin user may not perform this operation") -> ApiError:
    return ApiError(403, "forbidden", message)


def roles_in(session: Session, tenant_id: str, email: str) -> list[str]:
    query = select(AdminRole.role).where(AdminRole.tenant_id == tenant_id, AdminRole.email == email)
    return list(session.scalars(query))


CHECKED = "checked_caller"
"""Key of ``token_info`` holding what the credential check of this request read of the caller:
``(admin user, tenant, role names)``, so that the handler does not read it again."""


def read_caller(
    session: Session, admin_user_id: str, tenant_id: str
) -> tuple[AdminUser, Tenant, list[str]] | None:
    """The admin user, the tenant and the admin's roles there, as stored now."""
    admin = session.get(AdminUser, admin_user_id)
    tenant = session.get(Tenant, tenant_id)
    if admin is None or tenant is None:
        return None
    return admin, tenant, roles_in(session, tenant.id, admin.email)


def load_caller(session: Session, token_info: Mapping[str, Any]) -> Caller:
    """The caller as stored now (roles may have changed since the session began).

    What the credential check of this same request read joins ``session`` without another
    query; without it, the caller is read here.
    """
    checked = token_info.get(CHECKED)
    if checked is not None:
        admin = session.merge(checked[0], load=False)
        tenant = session.merge(checked[1], load=False)
        roles = list(checked[2])
    else:
        found = read_caller(session, token_info["admin_user_id"], token_info["tenant"])
        if found is None:
            raise unauthorized()
        admin, tenant, roles = found
    granted = permissions_of(roles)
    return Caller(admin=admin, tenant=tenant, permissions=granted, token_info=token_info)


def authorize(
    session: Session, token_info: Mapping[str, Any], needed: Permission = Permission.NONE
) -> Caller:
    """The caller, if their tenant is installed and their roles grant ``needed`` (else 403)."""
    caller = load_caller(session, token_info)
    if caller.tenant.installed_at is None:
        raise forbidden("The tenant is not installed yet: POST /v3/initialize first")
    if not caller.may(needed):
        raise forbidden()
    return caller


def admin_in_tenant(session: Session, tenant_id: str, admin_user_id: str) -> AdminUser | None:
    """An admin user the tenant knows: created there, or holding a role there."""
    admin = None if contains_nul(admin_user_id) else session.get(AdminUser, admin_user_id)
    if admin is None:
        return None
    if admin.home_tenant_id == tenant_id:
        return admin
    has_role = session.scalar(
        select(AdminRole.id)
        .where(AdminRole.tenant_id == tenant_id, AdminRole.email == admin.email)
        .limit(1)
    )
    return admin if has_role else None
