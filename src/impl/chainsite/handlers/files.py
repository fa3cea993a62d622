"""Handlers of the files module: uploads, listing, details, signed URLs and stored bytes."""

from __future__ import annotations

import math
import re
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import StreamingResponse

from contractkit.impl.chainsite.context import ChainsiteContext
from contractkit.impl.chainsite.models import PRIVATE, PUBLIC, StoredFile
from contractkit.impl.chainsite.serializers import file_record, success
from contractkit.impl.chainsite.services.files import (
    files_of,
    live_file_named,
    upload_file,
    visible_file,
)
from contractkit.impl.errors import ApiError, not_found
from contractkit.impl.storage.base import ObjectMissing
from contractkit.impl.storage.uploads import EmptyUpload, TypeRefused, UploadTooLarge
from contractkit.impl.web.stored_objects import object_response, request_origin, served_key

MAX_NAME_LENGTH = 255
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


def _route(ctx: ChainsiteContext) -> str:
    """Absolute URL of this API's ``/storage`` route (the local backend's file addresses)."""
    return f"{request_origin(ctx.settings.public_url)}{ctx.base_path}/storage"


def _invalid_file(message: str) -> ApiError:
    return ApiError(400, "invalid_data", message, {"file": message})


def original_name(file_name: str | None) -> str:
    """The part's file name, refused (400) when empty, too long, or holding a folder or ``..``."""
    if not file_name:
        raise _invalid_file("The file part has no file name")
    if len(file_name) > MAX_NAME_LENGTH:
        raise _invalid_file(f"The file name is longer than {MAX_NAME_LENGTH} characters")
    if _UNSAFE_NAME.search(file_name) or ".." in file_name:
        raise _invalid_file("The file name may not hold '/', '\\', '..' or control characters")
    return file_name


def _upload(
    ctx: ChainsiteContext, token_info: dict[str, Any], file: UploadFile | None, visibility: str
) -> tuple[dict, int]:
    if not isinstance(file, UploadFile):
        raise _invalid_file("This field is required")
    name = original_name(file.filename)
    try:
        record = upload_file(
            ctx,
            file.file,
            uploaded_by=str(token_info["sub"]),
            visibility=visibility,
            original_name=name,
        )
    except EmptyUpload as exc:
        raise _invalid_file(str(exc)) from exc
    except UploadTooLarge as exc:
        raise ApiError(413, "payload_too_large", str(exc)) from exc
    except TypeRefused as exc:
        raise ApiError(415, "unsupported_media_type", str(exc)) from exc
    return success("file Uploaded Successfully", file_record(record, ctx.storage, _route(ctx))), 200


def _upload_and_close(
    ctx: ChainsiteContext, token_info: dict[str, Any], file: UploadFile | None, visibility: str
) -> tuple[dict, int]:
    """Upload, then close the part's spooled copy whatever happened."""
    try:
        return _upload(ctx, token_info, file, visibility)
    finally:
        if isinstance(file, UploadFile):
            file.file.close()


def upload_public_file(
    ctx: ChainsiteContext, token_info: dict[str, Any], file: UploadFile | None = None
) -> tuple[dict, int]:
    return _upload_and_close(ctx, token_info, file, PUBLIC)


def upload_private_file(
    ctx: ChainsiteContext, token_info: dict[str, Any], file: UploadFile | None = None
) -> tuple[dict, int]:
    return _upload_and_close(ctx, token_info, file, PRIVATE)


def list_user_files(
    ctx: ChainsiteContext,
    token_info: dict[str, Any],
    page: int = 1,
    limit: int = 10,
    coinName: str | None = None,  # accepted, filters nothing (see the spec)
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        count, records = files_of(session, str(token_info["sub"]), page=page, limit=limit)
    route = _route(ctx)
    items = [file_record(record, ctx.storage, route) for record in records]
    return success("OK", {"count": count, "pages": math.ceil(count / limit), "data": items}), 200


def _visible_file(ctx: ChainsiteContext, file_id: str, token_info: dict[str, Any]) -> StoredFile:
    with ctx.db.reading() as session:
        return visible_file(session, file_id, str(token_info["sub"]))


def get_file_details(
    ctx: ChainsiteContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    record = _visible_file(ctx, id, token_info)
    return success("Success", file_record(record, ctx.storage, _route(ctx))), 200


def get_file_download_url(
    ctx: ChainsiteContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    record = _visible_file(ctx, id, token_info)
    url = ctx.storage.signed_url(
        record.name,
        "GET",
        ctx.settings.signed_url_ttl_seconds,
        _route(ctx),
        content_type=record.content_type,
    )
    return success("Success", url), 200


def download_stored_file(
    ctx: ChainsiteContext, name: str, expires: int | None = None, signature: str | None = None
) -> StreamingResponse:
    served_key(ctx.storage, name)
    with ctx.db.transaction() as session:
        record = live_file_named(session, name)
    signed = expires is not None or signature is not None
    if signed and not ctx.storage.verify("GET", name, expires, signature):
        raise ApiError(403, "invalid_signature", "The signed URL is invalid or has expired")
    if not signed and not record.is_public:
        raise ApiError(403, "invalid_signature", "A private file needs a signed URL")
    try:
        return object_response(ctx.storage, name, record.content_type, record.original_name)
    except ObjectMissing as exc:
        raise not_found("File") from exc
