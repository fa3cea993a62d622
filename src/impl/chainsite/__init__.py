"""The Chainsite API: file uploads to the chainsite's storage."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from functools import partial

from contractkit.impl.apis import ApiDefinition
from contractkit.impl.chainsite.context import ChainsiteContext
from contractkit.impl.chainsite.services.files import remove_orphans
from contractkit.impl.chainsite.settings import load_chainsite_settings
from contractkit.impl.chainsite.tokens import InvalidToken, TokenService
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from contractkit.impl.storage.config import storage_for
from contractkit.impl.storage.sweeping import sweep_schedule, sweeping
from contractkit.impl.web.bodies import UploadRoute
from contractkit.impl.web.multipart import MULTIPART_OVERHEAD, limit_request_bodies
from contractkit.impl.web.security import bearer_handler

NAME = "chainsite"
BASE_PATH = "/chainsite"


def envelope(error: ApiError) -> dict:
    """Chainsite's failure envelope: ``{"status": "error", "message", "data": {code, fields}}``."""
    data: dict = {"code": error.code}
    if error.fields:
        data["fields"] = error.fields
    return {"status": "error", "message": error.message, "data": data}


def build_context(settings: Settings, db: Database) -> ChainsiteContext:
    chainsite = load_chainsite_settings(settings)
    limit_request_bodies(BASE_PATH, chainsite.max_upload_bytes)
    return ChainsiteContext(
        settings=chainsite,
        db=db,
        storage=storage_for(settings, NAME),
        tokens=TokenService(chainsite),
        base_path=BASE_PATH,
        sweep=sweep_schedule(settings),
    )


def security_map(ctx: ChainsiteContext) -> dict[str, type]:
    """Bearer tokens are Chainsite JWTs; ``token_info["sub"]`` is the caller's user id."""

    def check(token: str) -> dict | None:
        try:
            return {"sub": ctx.tokens.verify(token)}
        except InvalidToken:
            return None

    return {"bearer": bearer_handler(check)}


def lifespan(ctx: ChainsiteContext) -> AbstractAsyncContextManager[None]:
    """Interrupted uploads and objects left without a record are removed while served."""
    return sweeping(ctx.sweep, ctx.storage, partial(remove_orphans, ctx))


def upload_routes(ctx: ChainsiteContext) -> tuple[UploadRoute, ...]:
    """The two upload operations take a multipart body of one file and its part headers."""
    limit = ctx.settings.max_upload_bytes + MULTIPART_OVERHEAD
    return (UploadRoute("POST", f"{BASE_PATH}/v1/upload", limit),)


DEFINITION = ApiDefinition(
    name=NAME,
    envelope=envelope,
    build_context=build_context,
    security_map=security_map,
    upload_routes=upload_routes,
    lifespan=lifespan,
)
