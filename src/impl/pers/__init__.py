"""The PERS API: signed URLs for entity files, per tenant."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from http import HTTPStatus

import anyio.to_thread

from contractkit.impl.apis import ApiDefinition
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from contractkit.impl.pers.context import PersContext
from contractkit.impl.pers.services.credentials import InvalidCredentials, PersTokens, ProjectKeys
from contractkit.impl.pers.settings import load_pers_settings
from contractkit.impl.storage.config import storage_for
from contractkit.impl.storage.sweeping import sweep_schedule, sweeping
from contractkit.impl.web.bodies import UploadRoute
from contractkit.impl.web.security import api_key_handler, bearer_handler

NAME = "pers"
BASE_PATH = "/pers/v2"
"""The seed's production server is ``https://api.pers.ninja/v2``: its ``/v2`` is kept."""


def envelope(error: ApiError) -> dict:
    """PERS failures: ``{"statusCode", "error", "message", "code", "fields"?}``."""
    try:
        phrase = HTTPStatus(error.status).phrase
    except ValueError:
        phrase = "Error"
    body: dict = {
        "statusCode": error.status,
        "error": phrase,
        "message": error.message,
        "code": error.code,
    }
    if error.fields:
        body["fields"] = error.fields
    return body


def build_context(settings: Settings, db: Database) -> PersContext:
    pers = load_pers_settings(settings)
    return PersContext(
        settings=pers,
        db=db,
        storage=storage_for(settings, NAME),
        tokens=PersTokens(pers),
        project_keys=ProjectKeys(pers, db),
        base_path=BASE_PATH,
        sweep=sweep_schedule(settings),
    )


def security_map(ctx: PersContext) -> dict[str, type]:
    """``authJWT`` bearer tokens or ``projectKey`` keys; both name the caller's tenant."""

    def check_token(token: str) -> dict | None:
        try:
            return ctx.tokens.verify(token).as_token_info()
        except InvalidCredentials:
            return None

    def tenant_for_key(key: str) -> dict | None:
        try:
            tenant = ctx.project_keys.tenant_of(key)
        except InvalidCredentials:
            return None
        return {"sub": f"project:{tenant}", "tenant": tenant, "role": "project"}

    async def check_key(key: str) -> dict | None:
        return await anyio.to_thread.run_sync(tenant_for_key, key)

    return {"bearer": bearer_handler(check_token), "apiKey": api_key_handler(check_key)}


def lifespan(ctx: PersContext) -> AbstractAsyncContextManager[None]:
    """Interrupted uploads are removed while served."""
    return sweeping(ctx.sweep, ctx.storage)


def upload_routes(ctx: PersContext) -> tuple[UploadRoute, ...]:
    """Signed PUT URLs take the file's raw bytes, whatever their ``Content-Type``."""
    prefix = f"{BASE_PATH}/files/storage/"
    return (UploadRoute("PUT", prefix, ctx.settings.max_upload_bytes, raw=True),)


DEFINITION = ApiDefinition(
    name=NAME,
    envelope=envelope,
    build_context=build_context,
    security_map=security_map,
    mount=BASE_PATH,
    upload_routes=upload_routes,
    lifespan=lifespan,
)
