"""The Peerly API: recognitions, core values and users."""

from __future__ import annotations

from impl.config import Settings
from impl.db import Database
from impl.errors import ApiError
from impl.peerly.access import verify_bearer
from impl.peerly.context import PeerlyContext
from impl.peerly.directory import ensure_organisations


def envelope(error: ApiError) -> dict:
    """Peerly's error envelope: ``{"error": {"code", "message", "fields"}}``."""
    body: dict = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return {"error": body}


def build_context(settings: Settings, db: Database) -> PeerlyContext:
    """The services handed to every Peerly handler; configured organisations are created."""
    ctx = PeerlyContext.build(settings.peerly, db)
    with db.transaction() as session:
        ensure_organisations(session, settings.peerly.organisations)
    return ctx


def bearer_verifier(ctx: PeerlyContext):  # type: ignore[no-untyped-def]
    """The function Connexion calls with each bearer token."""

    def verify(token: str) -> dict | None:
        return verify_bearer(ctx, token)

    return verify
