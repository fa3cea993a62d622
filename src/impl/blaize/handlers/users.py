"""Handlers of the users module: end users, their attributes, credentials and flows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.access_model import access_model
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.handlers.user_schema import schema_fields
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.identity.models import ConfigurationSetting
from contractkit.impl.blaize.people.attributes import AttributesRejected, check_attributes
from contractkit.impl.blaize.people.flows import Message, start_flow
from contractkit.impl.blaize.people.models import AccountUser, User, UserForeignKey, UserIdentifier
from contractkit.impl.blaize.people.sessions import live_sessions_of, sessions_answer
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import (
    find_user_by_identifiers,
    identifiers_of,
    membership_view,
    normalized_identifiers,
    owned,
    text_body,
    user_view,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.blaize.webhooks.events import (
    USER_CREATE,
    USER_UPDATE,
    user_changed,
    user_deleting,
)
from contractkit.impl.errors import ApiError, conflict, not_found

REQUIRE_VERIFICATION = "authentication.password.requireEmailVerfication"


def _checked_attributes(session: Session, tenant_id: str, attributes: dict[str, Any]) -> None:
    try:
        check_attributes(attributes, schema_fields(session, tenant_id))
    except AttributesRejected as exc:
        raise ApiError(409, "conflict", str(exc), exc.problems) from exc


def _identifier_taken(session: Session, tenant_id: str, name: str, value: str) -> str | None:
    return session.scalar(
        select(UserIdentifier.user_id).where(
            UserIdentifier.tenant_id == tenant_id,
            UserIdentifier.name == name,
            UserIdentifier.value == value,
        )
    )


# ----------------------------------------------------------------------------- users


def list_users(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        users = session.scalars(
            select(User)
            .where(User.tenant_id == caller.tenant_id)
            .order_by(User.created_at, User.id)
        )
        return {"results": [user_view(session, user) for user in users]}, 200


def _create_one(
    ctx: BlaizeContext, session: Session, tenant_id: str, spec: dict[str, Any], seen: set
) -> User:
    refuse_unstorable(spec["identifiers"])
    identifiers = normalized_identifiers(spec["identifiers"])
    for name, value in identifiers.items():
        if (name, value) in seen or _identifier_taken(session, tenant_id, name, value):
            raise conflict(f"A user with this {name} already exists")
        seen.add((name, value))
    attributes = spec.get("attributes") or {}
    _checked_attributes(session, tenant_id, attributes)
    password = spec["validators"].get("password")
    user = User(
        id=new_id(),
        tenant_id=tenant_id,
        password_hash=ctx.passwords.hash(password) if password else None,
        attributes=attributes,
        email_verified=False,
    )
    session.add(user)
    session.flush()
    for name, value in identifiers.items():
        session.add(UserIdentifier(user_id=user.id, name=name, tenant_id=tenant_id, value=value))
    user_changed(session, user, USER_CREATE)
    return user


def create_user(
    ctx: BlaizeContext, body: dict[str, Any] | list[dict[str, Any]], token_info: dict[str, Any]
) -> tuple[dict | list, int] | tuple[dict | list, int, dict]:
    specs = body if isinstance(body, list) else [body]
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        seen: set[tuple[str, str]] = set()
        users = [_create_one(ctx, session, caller.tenant_id, spec, seen) for spec in specs]
    answers = [
        {
            "user_id": user.id,
            "message": "User created successfully",
            "uri": ctx.uri(f"/v3/users/{user.id}"),
        }
        for user in users
    ]
    if isinstance(body, list):
        return answers, 201
    return answers[0], 201, {"Location": answers[0]["uri"]}


def get_user(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return user_view(session, owned(session, User, user_id, caller.tenant_id, "User")), 200


def delete_user(ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        user_deleting(session, user)
        session.delete(user)
    return {"message": "User deleted successfully"}, 200


# ----------------------------------------------------------------------------- attributes


def _set_attributes(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any], attributes: dict, merge: bool
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        result = {**(user.attributes or {}), **attributes} if merge else dict(attributes)
        _checked_attributes(session, caller.tenant_id, result)
        user.attributes = result
        user_changed(session, user, USER_UPDATE, ["attributes"])
        return dict(result), 200


def replace_user_attributes(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    return _set_attributes(ctx, user_id, token_info, body, merge=False)


def update_user_attributes(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    return _set_attributes(ctx, user_id, token_info, body, merge=True)


# ----------------------------------------------------------------------------- flows


def _link(session: Session, ctx: BlaizeContext, tenant_id: str, flow: str, token: str) -> str:
    """Where the user confirms a flow: the tenant's site (``cdn.origin``), else this API."""
    origin = session.get(ConfigurationSetting, (tenant_id, "cdn.origin"))
    base = origin.value.rstrip("/") if origin else ctx.base_path
    return f"{base}/confirm/{flow}?token={token}"


def start_email_update(
    ctx: BlaizeContext, user_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    new_email = body["new_identifiers"]["email_address"].lower()
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        tenant_id = caller.tenant_id
        user = owned(session, User, user_id, tenant_id, "User")
        refuse_unstorable(new_email)
        holder = _identifier_taken(session, tenant_id, "email_address", new_email)
        if holder is not None and holder != user.id:
            raise conflict("Another user has this email address")
        current = identifiers_of(session, user.id).get("email_address")
        setting = session.get(ConfigurationSetting, (tenant_id, REQUIRE_VERIFICATION))
        to_current = setting is not None and setting.value.lower() == "true" and current
        token = start_flow(session, tenant_id, "email_update", user.id, {"new_email": new_email})
        link = _link(session, ctx, tenant_id, "email-update", token)
        ctx.sender.send(
            session,
            Message(
                tenant_id=tenant_id,
                kind="email_update",
                recipient=current if to_current else new_email,
                subject="Confirm your new email address",
                body=f"Follow this link to change your email address to {new_email}: {link}",
            ),
        )
    return {"message": "Verification email sent"}, 200


def start_password_reset(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        user = find_user_by_identifiers(session, caller.tenant_id, body["identifiers"])
        if user is None:
            raise not_found("User")
        email = identifiers_of(session, user.id).get("email_address")
        if not email:
            raise conflict("The user has no email address to send the reset link to")
        token = start_flow(session, caller.tenant_id, "password_reset", user.id, {})
        link = _link(session, ctx, caller.tenant_id, "password-reset", token)
        ctx.sender.send(
            session,
            Message(
                tenant_id=caller.tenant_id,
                kind="password_reset",
                recipient=email,
                subject="Reset your password",
                body=f"Follow this link to choose a new password: {link}",
            ),
        )
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
        user = find_user_by_identifiers(session, caller.tenant_id, body["identifiers"])
        payload = {
            "identifiers": normalized_identifiers(body["identifiers"]),
            "action": delivery.get("action", "login"),
            "redirect": delivery.get("redirect", "/"),
        }
        token = start_flow(
            session, caller.tenant_id, "passwordless", user.id if user else None, payload
        )
        link = _link(session, ctx, caller.tenant_id, "passwordless", token)
        ctx.sender.send(
            session,
            Message(
                tenant_id=caller.tenant_id,
                kind="passwordless",
                recipient=delivery["destination"],
                subject="Your sign-in link",
                body=f"Follow this link to {payload['action']}: {link}",
            ),
        )
    return {"message": "Passwordless authentication email sent"}, 201


def reset_legacy_password(
    ctx: BlaizeContext, user_id: str, body: object, token_info: dict[str, Any]
) -> tuple[dict, int]:
    legacy = text_body(body)
    legacy_hash = ctx.passwords.hash(legacy)
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        user.password_hash = None
        user.legacy_password_hash = legacy_hash
        user_changed(session, user, USER_UPDATE, ["password"])
    return {
        "message": "Legacy Password updated successfully to be used instead of password",
        "user_id": user_id,
        "uri": ctx.uri(f"/v3/users/{user_id}/legacyPassword"),
    }, 200


def upsert_user_foreign_key(
    ctx: BlaizeContext, user_id: str, key: str, body: object, token_info: dict[str, Any]
) -> tuple[dict, int]:
    value = text_body(body)
    try:
        with ctx.db.transaction() as session:
            caller = authorize(session, token_info, Permission.WRITE)
            user = owned(session, User, user_id, caller.tenant_id, "User")
            refuse_unstorable(key, value)
            holder = session.scalar(
                select(UserForeignKey.user_id).where(
                    UserForeignKey.tenant_id == caller.tenant_id,
                    UserForeignKey.key == key,
                    UserForeignKey.value == value,
                )
            )
            if holder is not None and holder != user.id:
                raise conflict(f"Another user has this {key} foreign key")
            row = session.get(UserForeignKey, (user.id, key))
            if row is None:
                session.add(
                    UserForeignKey(
                        user_id=user.id, key=key, tenant_id=caller.tenant_id, value=value
                    )
                )
            else:
                row.value = value
            user_changed(session, user, USER_UPDATE, ["foreign_keys"])
    except IntegrityError as exc:
        raise conflict(f"Another user has this {key} foreign key") from exc
    return {"message": "Foreign key saved successfully"}, 200


# ----------------------------------------------------------------------------- sessions etc.


def get_user_cross_device_session(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        rows = live_sessions_of(session, user.id)
        return sessions_answer(ctx, session, caller.tenant_id, user.id, rows), 200


def list_user_accounts(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        memberships = session.scalars(
            select(AccountUser)
            .where(AccountUser.user_id == user.id)
            .order_by(AccountUser.created_at, AccountUser.account_id)
        )
        return {"results": [membership_view(m) for m in memberships]}, 200


def refresh_user_access_model(
    ctx: BlaizeContext, user_id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        user = owned(session, User, user_id, caller.tenant_id, "User")
        return access_model(session, caller.tenant_id, user.id), 200
