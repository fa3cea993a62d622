"""Handlers of the admin_users module: admin users, sessions, keypairs and admin roles."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity import (
    admin_roles,
    admin_sessions,
    admin_users,
    keypairs,
    signing,
)
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.login_throttle import (
    admin_account,
    login_rules,
    throttled_login,
)
from contractkit.impl.blaize.identity.models import AdminRole
from contractkit.impl.web.clients import client_address

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
        admin = admin_users.create_admin_user(session, caller.tenant_id, email, password_hash)
    uri = ctx.uri(f"/v3/admin/users/{admin.id}")
    answer = {"user_id": admin.id, "message": "Admin user created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


# ----------------------------------------------------------------------------- sessions


def admin_login(ctx: BlaizeContext, body: dict[str, Any]) -> tuple[dict, int, dict]:
    identifiers = body["identifiers"]
    email = str(identifiers.get("email_address", "")).lower()
    password = str(body["validators"].get("password", ""))
    tenant_id = str(identifiers.get("tenant", ""))
    ttl = ctx.settings.admin_session_ttl_seconds
    account = admin_account(tenant_id, email)
    with (
        throttled_login(ctx.db, login_rules(ctx.settings), account, client_address()),
        ctx.db.transaction() as session,
    ):
        session_id = admin_sessions.open_admin_session(
            session, ctx.passwords, email, password, tenant_id, ttl
        )
    cookie = f"{SESSION_COOKIE}={session_id}"
    attributes = f"; Path={ctx.base_path}; Max-Age={ttl}; HttpOnly; SameSite=Lax"
    if ctx.settings.is_production:
        attributes += "; Secure"
    answer = {"cookie": cookie, "session_id": session_id, "message": "Login successful"}
    return answer, 200, {"Set-Cookie": cookie + attributes}


def admin_logout(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        admin_sessions.end_admin_session(session, token_info["session_hash"])
    cleared = f"{SESSION_COOKIE}=; Path={ctx.base_path}; Max-Age=0; HttpOnly; SameSite=Lax"
    return {"message": "Session deleted"}, 200, {"Set-Cookie": cleared}


def get_admin_session_user(
    ctx: BlaizeContext, blaize_admin_session_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        user_id = admin_sessions.admin_session_user(
            session, caller.tenant_id, blaize_admin_session_id
        )
        return {"user_id": user_id}, 200


# ----------------------------------------------------------------------------- keypairs


def issue_keypair(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        owner = keypairs.keypair_owner(session, caller, user_id)
        keypair = keypairs.issue_keypair(session, caller.tenant_id, owner)
    secret = signing.derive_secret_key(ctx.settings.master_key, keypair.access_key, keypair.salt)
    return {
        "access_key": keypair.access_key,
        "secret_key": secret,
        "message": KEYPAIR_MESSAGE,
    }, 201


def list_access_keys(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info)
        owner = keypairs.keypair_owner(session, caller, user_id)
        keys = keypairs.live_access_keys(session, caller.tenant_id, owner)
        return [{"access_key": key} for key in keys], 200


def revoke_keypair(
    ctx: BlaizeContext, user_id: str, access_key: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        owner = keypairs.keypair_owner(session, caller, user_id)
        keypairs.revoke_keypair(session, caller.tenant_id, owner, access_key)
    return {"message": "Keypair revoked"}, 200


# ----------------------------------------------------------------------------- roles


def _assignment(role: AdminRole) -> dict[str, str]:
    return {"email": role.email, "role": role.role}


def _role(role: AdminRole) -> dict[str, str]:
    return {"role_id": role.id, "email": role.email, "role": role.role}


def list_admin_user_roles(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        roles = admin_roles.roles_of_admin(session, caller, user_id)
        return [_assignment(role) for role in roles], 200


def list_admin_user_tenant_roles(
    ctx: BlaizeContext, user_id: str, tenant: str, token_info: dict[str, Any]
) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        roles = admin_roles.roles_of_admin_in(session, caller, user_id, tenant)
        return [_assignment(role) for role in roles], 200


def create_admin_role(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    email, name = body["email"].lower(), body["role"]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        role = admin_roles.create_role(session, caller.tenant_id, email, name)
    uri = ctx.uri(f"/v3/admin/roles/{role.id}")
    return (
        {"role_id": role.id, "message": "Admin role created successfully"},
        201,
        {"Location": uri},
    )


def list_admin_roles(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[list, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return [_role(role) for role in admin_roles.tenant_roles(session, caller.tenant_id)], 200


def get_admin_role(
    ctx: BlaizeContext, role_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return _role(admin_roles.tenant_role(session, caller.tenant_id, role_id)), 200


def update_admin_role(
    ctx: BlaizeContext, role_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    email, name = body["email"].lower(), body["role"]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        admin_roles.update_role(session, caller, role_id, email, name)
    return {"message": "Admin role updated successfully"}, 200


def delete_admin_role(
    ctx: BlaizeContext, role_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.MANAGE)
        admin_roles.delete_role(session, caller, role_id)
    return {"message": "Admin role deleted successfully"}, 200
