"""Handlers of the admin_users module: admin users, sessions, keypairs and admin roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import signing
from contractkit.impl.blaize.identity.access import (
    Caller,
    Permission,
    admin_in_tenant,
    authorize,
    forbidden,
    permissions_of,
    roles_in,
)
from contractkit.impl.blaize.identity.installation import ADMIN_ROLE
from contractkit.impl.blaize.identity.models import AdminRole, AdminSession, AdminUser, Keypair
from contractkit.impl.blaize.tenancy.ids import digest, new_id, new_secret, new_uuid
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import ApiError, conflict, not_found, unauthorized
from contractkit.impl.timeutil import as_utc, utcnow

SESSION_COOKIE = "blaize_admin_session"
KEYPAIR_MESSAGE = "Keypair created: you will not be able to recover the secret, so take note of it"


# ----------------------------------------------------------------------------- admin users


def create_admin_user(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    email = body["identifiers"]["email_address"].lower()
    password = (body.get("validators") or {}).get("password")
    password_hash = ctx.passwords.hash(password) if password else None
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        refuse_unstorable(email)
        if session.scalar(select(AdminUser.id).where(AdminUser.email == email)):
            raise conflict("An admin user with this email address already exists")
        admin = AdminUser(
            id=new_uuid(),
            email=email,
            password_hash=password_hash,
            home_tenant_id=caller.tenant_id,
        )
        session.add(admin)
    uri = ctx.uri(f"/v3/admin/users/{admin.id}")
    answer = {"user_id": admin.id, "message": "Admin user created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


# ----------------------------------------------------------------------------- sessions


def admin_login(ctx: BlaizeContext, body: dict[str, Any]) -> tuple[dict, int, dict]:
    identifiers = body["identifiers"]
    email = str(identifiers.get("email_address", "")).lower()
    password = str(body["validators"].get("password", ""))
    tenant_id = str(identifiers.get("tenant", ""))
    with ctx.db.transaction() as session:
        admin = None
        if not contains_nul([email, tenant_id]):
            admin = session.scalar(select(AdminUser).where(AdminUser.email == email))
        verified = ctx.passwords.verify(admin.password_hash if admin else None, password)
        if admin is None or not verified:
            raise unauthorized("Invalid email address or password")
        tenant_id = tenant_id or admin.home_tenant_id
        if tenant_id != admin.home_tenant_id and not roles_in(session, tenant_id, admin.email):
            raise unauthorized("Invalid email address or password")
        session.execute(delete(AdminSession).where(AdminSession.expires_at < utcnow()))
        session_id = new_secret()
        ttl = ctx.settings.admin_session_ttl_seconds
        session.add(
            AdminSession(
                id_hash=digest(session_id),
                admin_user_id=admin.id,
                tenant_id=tenant_id,
                expires_at=utcnow() + timedelta(seconds=ttl),
            )
        )
    cookie = f"{SESSION_COOKIE}={session_id}"
    attributes = f"; Path={ctx.base_path}; Max-Age={ttl}; HttpOnly; SameSite=Lax"
    if ctx.settings.is_production:
        attributes += "; Secure"
    answer = {"cookie": cookie, "session_id": session_id, "message": "Login successful"}
    return answer, 200, {"Set-Cookie": cookie + attributes}


def admin_logout(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        session.execute(
            delete(AdminSession).where(AdminSession.id_hash == token_info["session_hash"])
        )
    cleared = f"{SESSION_COOKIE}=; Path={ctx.base_path}; Max-Age=0; HttpOnly; SameSite=Lax"
    return {"message": "Session deleted"}, 200, {"Set-Cookie": cleared}


def get_admin_session_user(
    ctx: BlaizeContext, blaize_admin_session_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        row = session.get(AdminSession, digest(blaize_admin_session_id))
        if row is None or row.tenant_id != caller.tenant_id or as_utc(row.expires_at) <= utcnow():
            raise not_found("Admin session")
        return {"user_id": row.admin_user_id}, 200


# ----------------------------------------------------------------------------- keypairs


def _keypair_owner(session: Session, caller: Caller, user_id: str) -> AdminUser:
    """The admin user whose keypairs are addressed: oneself, or anyone for managers."""
    if user_id != caller.admin.id and not caller.may(Permission.MANAGE):
        raise forbidden("Only admins may handle other admin users' keypairs")
    owner = admin_in_tenant(session, caller.tenant_id, user_id)
    if owner is None:
        raise not_found("Admin user")
    return owner


def issue_keypair(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        owner = _keypair_owner(session, caller, user_id)
        keypair = Keypair(
            access_key=signing.new_access_key(),
            admin_user_id=owner.id,
            tenant_id=caller.tenant_id,
            salt=signing.new_salt(),
        )
        session.add(keypair)
    secret = signing.derive_secret_key(ctx.settings.master_key, keypair.access_key, keypair.salt)
    return {
        "access_key": keypair.access_key,
        "secret_key": secret,
        "message": KEYPAIR_MESSAGE,
    }, 201


def list_access_keys(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        owner = _keypair_owner(session, caller, user_id)
        keys = session.scalars(
            select(Keypair.access_key)
            .where(
                Keypair.admin_user_id == owner.id,
                Keypair.tenant_id == caller.tenant_id,
                Keypair.revoked_at.is_(None),
            )
            .order_by(Keypair.created_at, Keypair.access_key)
        )
        return [{"access_key": key} for key in keys], 200


def revoke_keypair(
    ctx: BlaizeContext, user_id: str, access_key: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        owner = _keypair_owner(session, caller, user_id)
        keypair = None if contains_nul(access_key) else session.get(Keypair, access_key)
        if (
            keypair is None
            or keypair.admin_user_id != owner.id
            or keypair.tenant_id != caller.tenant_id
            or keypair.revoked_at is not None
        ):
            raise not_found("Keypair")
        keypair.revoked_at = utcnow()
    return {"message": "Keypair revoked"}, 200


# ----------------------------------------------------------------------------- roles


def _assignment(role: AdminRole) -> dict[str, str]:
    return {"email": role.email, "role": role.role}


def _role(role: AdminRole) -> dict[str, str]:
    return {"role_id": role.id, "email": role.email, "role": role.role}


def list_admin_user_roles(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        admin = admin_in_tenant(session, caller.tenant_id, user_id)
        if admin is None:
            raise not_found("Admin user")
        query = select(AdminRole).where(AdminRole.email == admin.email)
        if admin.id != caller.admin.id:
            query = query.where(AdminRole.tenant_id == caller.tenant_id)
        roles = session.scalars(query.order_by(AdminRole.tenant_id, AdminRole.role))
        return [_assignment(role) for role in roles], 200


def list_admin_user_tenant_roles(
    ctx: BlaizeContext, user_id: str, tenant: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        admin = admin_in_tenant(session, caller.tenant_id, user_id)
        if admin is None:
            raise not_found("Admin user")
        visible = tenant == caller.tenant_id or admin.id == caller.admin.id
        if not visible or contains_nul(tenant) or session.get(Tenant, tenant) is None:
            raise not_found("Tenant")
        roles = session.scalars(
            select(AdminRole)
            .where(AdminRole.email == admin.email, AdminRole.tenant_id == tenant)
            .order_by(AdminRole.role)
        )
        return [_assignment(role) for role in roles], 200


def _tenant_role(session: Session, caller: Caller, role_id: str) -> AdminRole:
    role = None if contains_nul(role_id) else session.get(AdminRole, role_id)
    if role is None or role.tenant_id != caller.tenant_id:
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
    """Refuse a change that leaves the tenant without admins, or the caller without rights.

    Admins cannot take their own ``admin`` role away (another admin must), so no tenant can
    lock itself out by mistake.
    """
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


def create_admin_role(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    email, name = body["email"].lower(), body["role"]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        refuse_unstorable(email, name)
        _ensure_unique(session, caller.tenant_id, email, name)
        role = AdminRole(id=new_id(), tenant_id=caller.tenant_id, email=email, role=name)
        session.add(role)
    uri = ctx.uri(f"/v3/admin/roles/{role.id}")
    return (
        {"role_id": role.id, "message": "Admin role created successfully"},
        201,
        {"Location": uri},
    )


def list_admin_roles(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        roles = session.scalars(
            select(AdminRole)
            .where(AdminRole.tenant_id == caller.tenant_id)
            .order_by(AdminRole.email, AdminRole.role, AdminRole.id)
        )
        return [_role(role) for role in roles], 200


def get_admin_role(
    ctx: BlaizeContext, role_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return _role(_tenant_role(session, caller, role_id)), 200


def update_admin_role(
    ctx: BlaizeContext, role_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    email, name = body["email"].lower(), body["role"]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        role = _tenant_role(session, caller, role_id)
        refuse_unstorable(email, name)
        if (role.email, role.role) != (email, name):
            _ensure_unique(session, caller.tenant_id, email, name)
            role.email, role.role = email, name
            session.flush()
            _keep_admins(session, caller)
    return {"message": "Admin role updated successfully"}, 200


def delete_admin_role(
    ctx: BlaizeContext, role_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        session.delete(_tenant_role(session, caller, role_id))
        session.flush()
        _keep_admins(session, caller)
    return {"message": "Admin role deleted successfully"}, 200
