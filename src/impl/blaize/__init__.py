"""The Blaize Admin API: identity and access, end users, the catalogue, content, webhooks,
promo codes, and the request rules of the Decision Engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from connexion.lifecycle import ConnexionRequest

from contractkit.impl.apis import ApiDefinition
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.body_digest import BodyDigestMiddleware
from contractkit.impl.blaize.identity.credentials import (
    carries_one_credential,
    deferred_admin_session,
    verify_admin_session,
    verify_keypair_signature,
)
from contractkit.impl.blaize.identity.installation import ensure_initial_admin
from contractkit.impl.blaize.identity.oauth_errors import OAuthTokenErrors
from contractkit.impl.blaize.identity.security_handlers import api_key_handler_by_location
from contractkit.impl.blaize.people import token_redaction
from contractkit.impl.blaize.people.mail_delivery import mailing
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.blaize.webhooks.dispatch import dispatching
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError

NAME = "blaize"
BASE_PATH = f"/{NAME}"

SERVED_DOCUMENTS = (
    "initialize",
    "admin_users",
    "configuration",
    "certs",
    "companies",
    "accounts",
    "user_schema",
    "users",
    "grants",
    "sessions",
    "user_export",
    "oauth2",
    "entitlements",
    "bundles",
    "products",
    "credits",
    "meters",
    "gifts",
    "promo_codes",
    "forms",
    "static_items",
    "cache_configurations",
    "feature_rules",
    "webhooks",
    "request_rules",
    "decision_engine",
    "confirm",
)
"""Module documents of ``specs/blaize`` whose every operation is implemented here."""

_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
}
OAUTH_ERROR_CODES = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
}
"""RFC 6749, section 5.2: errors of the token endpoint, which also carry ``error_description``."""
# Codes and default messages of the shared error helpers, said the Blaize way.
_SHARED_CODES = {"invalid_data", "invalid_token", "access_denied", "error"}
_SHARED_MESSAGES = {
    "unauthorized user": "Missing or invalid credentials",
    "Permission required": "The admin user may not perform this operation",
    "Please provide valid form data": "The request does not match the contract",
}


def envelope(error: ApiError) -> dict[str, Any]:
    """Blaize's ``Error`` body: ``{"status", "error", "message", "details"}``."""
    code = error.code
    if code in _SHARED_CODES or not code:
        code = _ERROR_CODES.get(error.status, "error")
    message = _SHARED_MESSAGES.get(error.message, error.message)
    body: dict[str, Any] = {"status": error.status, "error": code, "message": message}
    if code in OAUTH_ERROR_CODES:
        body["error_description"] = message
    if error.fields:
        body["details"] = [
            {"field": name, "message": message} for name, message in error.fields.items()
        ]
    return body


def build_context(settings: Settings, db: Database) -> BlaizeContext:
    """The services handed to every Blaize handler; the configured first admin is created."""
    ctx = BlaizeContext.build(load_blaize_settings(settings), db, BASE_PATH)
    token_redaction.install()
    with db.transaction() as session:
        ensure_initial_admin(session, ctx.settings, ctx.passwords)
    return ctx


def security_map(ctx: BlaizeContext) -> dict[str, type]:
    """Admin sessions (cookie or header) and keypair signatures, checked off the event loop.

    A request with only an admin session has its session read in the handler's worker thread
    (one thread hand-off per request); with several credentials, each is checked in turn here.
    """

    async def session_check(api_key: str, request: ConnexionRequest) -> dict | None:
        if carries_one_credential(request, checks):
            return deferred_admin_session(ctx, api_key)
        return await anyio.to_thread.run_sync(verify_admin_session, ctx, api_key)

    async def signature_check(api_key: str, request: ConnexionRequest) -> dict | None:
        return await anyio.to_thread.run_sync(
            verify_keypair_signature, ctx, api_key, request.scope, request.method
        )

    checks = {
        ("cookie", "blaize_admin_session"): session_check,
        ("header", "blaize-admin-session"): session_check,
        ("header", "authorization"): signature_check,
    }
    handler = api_key_handler_by_location(checks)
    return {"apiKey": handler}


@asynccontextmanager
async def background(ctx: BlaizeContext) -> AsyncIterator[None]:
    """While served: webhook deliveries and the flows' mail, each sent in the background."""
    async with dispatching(ctx), mailing(ctx):
        yield


DEFINITION = ApiDefinition(
    name=NAME,
    envelope=envelope,
    build_context=build_context,
    security_map=security_map,
    documents=SERVED_DOCUMENTS,
    middleware=(BodyDigestMiddleware, OAuthTokenErrors),
    lifespan=background,
)
