"""Handlers of the File Management System module: signed URLs and the local storage's bytes."""

from __future__ import annotations

from typing import Any

from connexion.context import request as current_request
from starlette.responses import Response, StreamingResponse

from contractkit.impl.errors import ApiError, not_found
from contractkit.impl.pers.context import PersContext
from contractkit.impl.pers.services.entity_files import content_type_of, entity_key
from contractkit.impl.storage.base import ObjectMissing
from contractkit.impl.storage.uploads import UploadTooLarge, store_body
from contractkit.impl.web.stored_objects import object_response, request_origin, served_key


def _route(ctx: PersContext) -> str:
    """Absolute URL of this API's ``/files/storage`` route (the local backend's URLs)."""
    return f"{request_origin(ctx.settings.public_url)}{ctx.base_path}/files/storage"


def generate_entity_storage_url(
    ctx: PersContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    key = entity_key(str(token_info["tenant"]), body)
    method = body["signedUrlType"]
    url = ctx.storage.signed_url(
        key,
        method,
        ctx.settings.signed_url_ttl_seconds,
        _route(ctx),
        content_type=content_type_of(key) if method == "GET" else None,
    )
    return {"signedUrl": url}, 200


def _signed_key(ctx: PersContext, method: str, key: str, expires: int, signature: str) -> str:
    served_key(ctx.storage, key)
    if not ctx.storage.verify(method, key, expires, signature):
        raise ApiError(403, "invalid_signature", "The signed URL is invalid or has expired")
    return key


def download_entity_file(
    ctx: PersContext, key: str, expires: int, signature: str
) -> StreamingResponse:
    _signed_key(ctx, "GET", key, expires, signature)
    try:
        return object_response(ctx.storage, key, content_type_of(key))
    except ObjectMissing as exc:
        raise not_found("File") from exc


async def upload_entity_file(ctx: PersContext, key: str, expires: int, signature: str) -> Response:
    _signed_key(ctx, "PUT", key, expires, signature)
    chunks = current_request.stream()
    first = b""
    async for chunk in chunks:
        if chunk:
            first = chunk
            break
    if not first:
        raise ApiError(400, "invalid_data", "The body is empty", {"body": "The body is empty"})

    async def body() -> Any:
        yield first
        async for chunk in chunks:
            yield chunk

    try:
        await store_body(
            ctx.storage,
            key,
            content_type_of(key),
            body(),
            max_bytes=ctx.settings.max_upload_bytes,
        )
    except UploadTooLarge as exc:
        raise ApiError(413, "payload_too_large", str(exc)) from exc
    return Response(status_code=200)
