"""What following a flow's link does: the ``/confirm/...`` routes' services.

Each redeems the flow's single-use token (``blaize.people.flows``) and performs the flow:

- passwordless: ``delivery.action`` ``login`` signs the user in (a new authenticated
  session); identifiers that name no user yet sign a new user up, with no password. The
  address the link was sent to is verified when it is the user's ``email_address``.
- password reset: sets the new password (the legacy password, if any, is dropped), ends the
  user's sessions, and marks the address verified (the link reached it).
- e-mail update: the user's ``email_address`` becomes the new, verified, address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.configuration import setting
from contractkit.impl.blaize.people.flows import check, redeem
from contractkit.impl.blaize.people.models import User, UserIdentifier, UserSession
from contractkit.impl.blaize.people.sessions import open_session
from contractkit.impl.blaize.people.users import create_users, identifier_holder
from contractkit.impl.blaize.tenancy.records import find_user_by_identifiers, identifiers_of
from contractkit.impl.blaize.webhooks.events import USER_UPDATE, user_changed
from contractkit.impl.errors import conflict

PASSWORDLESS_ACTIONS = ("login",)
"""``delivery.action`` values a passwordless link can perform."""
SITE_ORIGIN = "cdn.origin"


@dataclass(frozen=True)
class SignedIn:
    """A passwordless sign-in: the new session, and where the user goes next."""

    user_id: str
    session_id: str
    expires_in: int
    redirect: str


def _verify_if_sent_to_email(session: Session, user: User, destination: str) -> None:
    if identifiers_of(session, user.id).get("email_address") == destination.lower():
        user.email_verified = True


def redirect_target(session: Session, tenant_id: str, redirect: str) -> str:
    """``delivery.redirect`` (a path) on the tenant's site (``cdn.origin``), else as it is."""
    origin = setting(session, tenant_id, SITE_ORIGIN)
    return f"{origin.rstrip('/')}{redirect}" if origin else redirect


def confirm_passwordless(ctx: BlaizeContext, session: Session, token: str) -> SignedIn:
    row = redeem(session, "passwordless", token)
    payload: dict[str, Any] = row.payload
    identifiers: dict[str, str] = payload["identifiers"]
    user = session.get(User, row.user_id) if row.user_id else None
    if user is None:
        user = find_user_by_identifiers(session, row.tenant_id, identifiers)
    if user is None:
        (user,) = create_users(
            session, ctx.passwords, row.tenant_id, [{"identifiers": identifiers, "validators": {}}]
        )
    _verify_if_sent_to_email(session, user, payload.get("destination", ""))
    view = open_session(ctx, session, row.tenant_id, user=user, site=None)
    return SignedIn(
        user_id=user.id,
        session_id=view["session_id"],
        expires_in=ctx.settings.user_session_ttl_seconds,
        redirect=redirect_target(session, row.tenant_id, payload.get("redirect") or "/"),
    )


def check_password_reset(session: Session, token: str) -> None:
    """Refuses (``TokenRefused``) a reset link that can no longer be used, without using it."""
    check(session, "password_reset", token)


def confirm_password_reset(ctx: BlaizeContext, session: Session, token: str, password: str) -> str:
    """Sets the new password; answers the user's id."""
    row = redeem(session, "password_reset", token)
    user = session.get_one(User, row.user_id)
    user.password_hash = ctx.passwords.hash(password)
    user.legacy_password_hash = None
    user.email_verified = True
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user_changed(session, user, USER_UPDATE, ["password"])
    return user.id


def confirm_email_update(session: Session, token: str) -> str:
    """Moves the user to the new address; answers it. 409 when another user took it since."""
    row = redeem(session, "email_update", token)
    new_email: str = row.payload["new_email"]
    user = session.get_one(User, row.user_id)
    holder = identifier_holder(session, row.tenant_id, "email_address", new_email)
    if holder is not None and holder != user.id:
        raise conflict("Another user has this email address")
    current = session.get(UserIdentifier, (user.id, "email_address"))
    if current is None:
        session.add(
            UserIdentifier(
                user_id=user.id, name="email_address", tenant_id=row.tenant_id, value=new_email
            )
        )
    else:
        current.value = new_email
    user.email_verified = True
    user_changed(session, user, USER_UPDATE, ["identifiers"])
    return new_email
