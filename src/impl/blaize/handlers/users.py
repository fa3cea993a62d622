"""Handlers of the users module: end users, their attributes, credentials and flows."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.catalogue.access_model import access_model
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people import extended_profiles, mail_flows, users
from contractkit.impl.blaize.people.accounts import memberships_of
from contractkit.impl.blaize.people.foreign_keys import foreign_key_race, save_foreign_key
from contractkit.impl.blaize.people.sessions import live_sessions_of, sessions_answer
from contractkit.impl.blaize.tenancy.records import membership_view, text_body, user_view
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import conflict

# ----------------------------------------------------------------------------- users


def list_users(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        found = users.tenant_users(session, caller.tenant_id)
        return {"results": [user_view(session, user) for user in found]}, 200


def create_user(
    ctx: BlaizeContext, body: dict[str, Any] | list[dict[str, Any]], token_info: dict[str, Any]
) -> tuple[dict | list, int] | tuple[dict | list, int, dict]:
    specs = body if isinstance(body, list) else [body]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        created = users.create_users(session, ctx.passwords, caller.tenant_id, specs)
    answers = [
        {
            "user_id": user.id,
            "message": "User created successfully",
            "uri": ctx.uri(f"/v3/users/{user.id}"),
        }
        for user in created
    ]
    if isinstance(body, list):
        return answers, 201
    return answers[0], 201, {"Location": answers[0]["uri"]}


def get_user(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return user_view(session, users.tenant_user(session, caller.tenant_id, user_id)), 200


def delete_user(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        users.delete_user(session, caller.tenant_id, user_id)
    return {"message": "User deleted successfully"}, 200


# ----------------------------------------------------------------------------- attributes


def _set_attributes(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any], attributes: dict, merge: bool
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        return users.set_attributes(session, caller.tenant_id, user_id, attributes, merge), 200


def replace_user_attributes(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    return _set_attributes(ctx, user_id, token_info, body, merge=False)


def update_user_attributes(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    return _set_attributes(ctx, user_id, token_info, body, merge=True)


# ----------------------------------------------------------------------------- flows


def start_email_update(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    new_email = body["new_identifiers"]["email_address"].lower()
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        mail_flows.start_email_update(ctx, session, caller.tenant_id, user_id, new_email)
    return {"message": "Verification email sent"}, 200


def start_password_reset(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        mail_flows.start_password_reset(ctx, session, caller.tenant_id, body["identifiers"])
    return {"message": "Password reset email sent"}, 200


def start_passwordless_authentication(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    delivery = body["delivery"]
    refuse_unstorable(delivery)
    if delivery["method"].lower() != "email":
        raise conflict("Only the 'email' delivery method is available")
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        mail_flows.start_passwordless(ctx, session, caller.tenant_id, body["identifiers"], delivery)
    return {"message": "Passwordless authentication email sent"}, 201


def reset_legacy_password(
    ctx: BlaizeContext, user_id: str, body: object, token_info: dict[str, Any]
) -> tuple[dict, int]:
    legacy = text_body(body)
    legacy_hash = ctx.passwords.hash(legacy)
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        users.set_legacy_password(session, caller.tenant_id, user_id, legacy_hash)
    return {
        "message": "Legacy Password updated successfully to be used instead of password",
        "user_id": user_id,
        "uri": ctx.uri(f"/v3/users/{user_id}/legacyPassword"),
    }, 200


def upsert_user_foreign_key(
    ctx: BlaizeContext, user_id: str, key: str, body: object, token_info: dict[str, Any]
) -> tuple[dict, int]:
    value = text_body(body)
    with foreign_key_race(key), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        save_foreign_key(session, caller.tenant_id, user_id, key, value)
    return {"message": "Foreign key saved successfully"}, 200


# ----------------------------------------------------------------------------- sessions etc.


def get_user_cross_device_session(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = users.tenant_user(session, caller.tenant_id, user_id)
        rows = live_sessions_of(session, user.id)
        return sessions_answer(ctx, session, caller.tenant_id, user.id, rows), 200


def list_user_accounts(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = users.tenant_user(session, caller.tenant_id, user_id)
        return {"results": [membership_view(m) for m in memberships_of(session, user.id)]}, 200


def refresh_user_access_model(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = users.tenant_user(session, caller.tenant_id, user_id)
        return access_model(session, caller.tenant_id, user.id), 200


# ----------------------------------------------------------------------------- extended profiles


def get_user_extended_profile(
    ctx: BlaizeContext, user_id: str, appId: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return extended_profiles.profile(session, caller.tenant_id, user_id, appId), 200


def save_user_extended_profile(
    ctx: BlaizeContext, user_id: str, appId: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        extended_profiles.save_profile(session, caller.tenant_id, user_id, appId, body)
    return {"message": "Extended profile saved"}, 200
