"""The Peerly API: recognitions, core values and users."""

from __future__ import annotations

from functools import partial

from contractkit.impl.apis import ApiDefinition
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.services.access import verify_bearer
from contractkit.impl.peerly.services.directory import ensure_organisations
from contractkit.impl.peerly.settings import load_peerly_settings
from contractkit.impl.web.security import bearer_handler


def envelope(error: ApiError) -> dict:
    """Peerly's error envelope: ``{"error": {"code", "message", "fields"}}``."""
    body: dict = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return {"error": body}


def build_context(settings: Settings, db: Database) -> PeerlyContext:
    """The services handed to every Peerly handler; configured organisations are created."""
    peerly_settings = load_peerly_settings(settings)
    ctx = PeerlyContext.build(peerly_settings, db)
    with db.transaction() as session:
        ensure_organisations(session, peerly_settings.organisations)
    return ctx


def security_map(ctx: PeerlyContext) -> dict[str, type]:
    """Bearer tokens are Peerly JWTs: claims checked by :func:`verify_bearer` on the event loop,
    the caller's row then read with the handler, in its worker thread."""
    return {"bearer": bearer_handler(partial(verify_bearer, ctx))}


DEFINITION = ApiDefinition(
    name="peerly", envelope=envelope, build_context=build_context, security_map=security_map
)
