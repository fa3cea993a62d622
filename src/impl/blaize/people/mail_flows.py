"""The user flows started by the Admin API: each sends the user a link to follow.

Links point at the tenant's site (the ``cdn.origin`` setting), which forwards them to this
API's ``/confirm/...`` routes, else straight at those routes (under ``CONTRACTKIT_PUBLIC_URL``,
else the origin of the request that starts the flow).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.configuration import setting
from contractkit.impl.blaize.people.flows import FLOW_TTL, Message, start_flow
from contractkit.impl.blaize.people.users import identifier_holder, tenant_user
from contractkit.impl.blaize.tenancy.records import (
    find_user_by_identifiers,
    identifiers_of,
    normalized_identifiers,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import conflict, not_found
from contractkit.impl.web.stored_objects import request_origin

REQUIRE_VERIFICATION = "authentication.password.requireEmailVerfication"
SITE_ORIGIN = "cdn.origin"


@dataclass(frozen=True)
class FlowMail:
    """Who is sent a flow's link, under which subject, to do what."""

    recipient: str
    subject: str
    purpose: str


def _link(ctx: BlaizeContext, session: Session, tenant_id: str, flow: str, token: str) -> str:
    """Where the user confirms a flow: the tenant's site, else this API."""
    origin = setting(session, tenant_id, SITE_ORIGIN)
    if origin is not None:
        base = origin.rstrip("/")
    else:
        base = request_origin(ctx.settings.public_url) + ctx.base_path.rstrip("/")
    return f"{base}/confirm/{flow.replace('_', '-')}?token={token}"


def _lifetime(flow: str) -> str:
    minutes = int(FLOW_TTL[flow].total_seconds() // 60)
    count, unit = (minutes // 60, "hour") if minutes % 60 == 0 else (minutes, "minute")
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _send_flow(
    ctx: BlaizeContext,
    session: Session,
    tenant_id: str,
    flow: str,
    user_id: str | None,
    payload: dict[str, Any],
    mail: FlowMail,
) -> None:
    """Start the flow and send its link."""
    token = start_flow(session, tenant_id, flow, user_id, payload)
    link = _link(ctx, session, tenant_id, flow, token)
    ctx.sender.send(
        session,
        Message(
            tenant_id=tenant_id,
            kind=flow,
            recipient=mail.recipient,
            subject=mail.subject,
            body=(
                f"Follow this link to {mail.purpose}:\n\n{link}\n\n"
                f"The link can be used once and expires in {_lifetime(flow)}.\n"
            ),
            link=link,
        ),
    )


def start_email_update(
    ctx: BlaizeContext, session: Session, tenant_id: str, user_id: str, new_email: str
) -> None:
    """Send the link that moves the user to ``new_email``: to the current address when the
    tenant requires verified addresses, else to the new one. 409 when another user has it."""
    user = tenant_user(session, tenant_id, user_id)
    refuse_unstorable(new_email)
    holder = identifier_holder(session, tenant_id, "email_address", new_email)
    if holder is not None and holder != user.id:
        raise conflict("Another user has this email address")
    current = identifiers_of(session, user.id).get("email_address")
    required = (setting(session, tenant_id, REQUIRE_VERIFICATION) or "").lower() == "true"
    mail = FlowMail(
        recipient=current if required and current else new_email,
        subject="Confirm your new email address",
        purpose=f"change your email address to {new_email}",
    )
    _send_flow(ctx, session, tenant_id, "email_update", user.id, {"new_email": new_email}, mail)


def start_password_reset(
    ctx: BlaizeContext, session: Session, tenant_id: str, identifiers: dict[str, str]
) -> None:
    """Send the password reset link to the user's e-mail address (404 without such a user,
    409 when the user has no address)."""
    user = find_user_by_identifiers(session, tenant_id, identifiers)
    if user is None:
        raise not_found("User")
    email = identifiers_of(session, user.id).get("email_address")
    if not email:
        raise conflict("The user has no email address to send the reset link to")
    mail = FlowMail(recipient=email, subject="Reset your password", purpose="choose a new password")
    _send_flow(ctx, session, tenant_id, "password_reset", user.id, {}, mail)


def start_passwordless(
    ctx: BlaizeContext,
    session: Session,
    tenant_id: str,
    identifiers: dict[str, str],
    delivery: Mapping[str, Any],
) -> None:
    """Send a sign-in link to the delivery's destination (the user may not exist yet)."""
    user = find_user_by_identifiers(session, tenant_id, identifiers)
    payload = {
        "identifiers": normalized_identifiers(identifiers),
        "action": delivery.get("action", "login"),
        "redirect": delivery.get("redirect", "/"),
        "destination": delivery["destination"].lower(),
    }
    mail = FlowMail(
        recipient=delivery["destination"],
        subject="Your sign-in link",
        purpose="sign in" if payload["action"] == "login" else payload["action"],
    )
    _send_flow(ctx, session, tenant_id, "passwordless", user.id if user else None, payload, mail)
