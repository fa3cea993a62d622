"""Handlers of the confirm module: the links the user flows send by mail.

Browsers follow them, so answers are HTML pages (a client asking for JSON only gets the API's
``Error`` body instead); a link that is unknown, used or expired gets a page saying so.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from connexion.context import request as current_request
from starlette.responses import HTMLResponse, JSONResponse, Response

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.people import confirmations
from contractkit.impl.blaize.people.flows import TokenRefused
from contractkit.impl.errors import ApiError

SESSION_COOKIE = "blaize_session"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
REFUSALS = {
    "unknown": (404, "unknown_link", "This link is not known. Check that it was copied whole."),
    "used": (410, "link_used", "This link was already used. Start again to get a new one."),
    "expired": (410, "link_expired", "This link has expired. Start again to get a new one."),
}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>{content}</body></html>
"""


def _wants_json() -> bool:
    accept = current_request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page(status: int, title: str, content: str) -> Response:
    html = PAGE.format(title=escape(title), content=content)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _failure(status: int, error: str, message: str) -> Response:
    if _wants_json():
        body = {"status": status, "error": error, "message": message}
        return JSONResponse(body, status_code=status, headers=NO_STORE)
    return _page(status, "This link cannot be used", f"<p>{escape(message)}</p>")


def _refused(refusal: TokenRefused) -> Response:
    return _failure(*REFUSALS[refusal.reason])


def confirm_passwordless(ctx: BlaizeContext, token: str) -> Response:
    try:
        with ctx.db.transaction() as session:
            signed_in = confirmations.confirm_passwordless(ctx, session, token)
    except TokenRefused as refusal:
        return _refused(refusal)
    except ApiError as error:
        return _failure(error.status, error.code, error.message)
    target = signed_in.redirect
    content = (
        f'<p>You are signed in. Continue to <a href="{escape(target)}">{escape(target)}</a>.</p>'
    )
    response = _page(303, "Signed in", content)
    response.headers["Location"] = quote(target, safe=":/?#[]@!$&'()*+,;=%")
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_id,
        max_age=signed_in.expires_in,
        path="/",
        httponly=True,
        samesite="lax",
        secure=current_request.url.scheme == "https",
    )
    return response


def show_password_reset(ctx: BlaizeContext, token: str) -> Response:
    try:
        with ctx.db.transaction() as session:
            confirmations.check_password_reset(session, token)
    except TokenRefused as refusal:
        return _refused(refusal)
    form = (
        f'<form method="post" action="{escape(current_request.url.path)}">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        '<label>New password <input type="password" name="password" minlength="8" required '
        'autocomplete="new-password"></label> <button type="submit">Change password</button>'
        "</form>"
    )
    return _page(200, "Choose a new password", form)


def confirm_password_reset(ctx: BlaizeContext, body: dict[str, Any]) -> Response:
    try:
        with ctx.db.transaction() as session:
            confirmations.confirm_password_reset(ctx, session, body["token"], body["password"])
    except TokenRefused as refusal:
        return _refused(refusal)
    if _wants_json():
        return JSONResponse({"message": "Password changed"}, headers=NO_STORE)
    return _page(200, "Password changed", "<p>Your password has been changed. Sign in with it.</p>")


def confirm_email_update(ctx: BlaizeContext, token: str) -> Response:
    try:
        with ctx.db.transaction() as session:
            email = confirmations.confirm_email_update(session, token)
    except TokenRefused as refusal:
        return _refused(refusal)
    except ApiError as error:
        return _failure(error.status, error.code, error.message)
    if _wants_json():
        return JSONResponse({"message": "Email address updated"}, headers=NO_STORE)
    return _page(200, "Email address updated", f"<p>Your email address is now {escape(email)}.</p>")
