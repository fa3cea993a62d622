"""Stored objects as HTTP responses from the API's own routes (the local backend's URLs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from connexion.context import request as current_request
from starlette.responses import StreamingResponse

from contractkit.impl.errors import not_found
from contractkit.impl.storage.base import InvalidKey, Storage, check_key

CHUNK_SIZE = 64 * 1024

SAFE_SERVING_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
"""Stored files are shown as data: never sniffed into another type, never run as a page."""


def request_origin(configured: str | None = None) -> str:
    """``configured`` (e.g. ``CONTRACTKIT_PUBLIC_URL``), else the current request's origin."""
    if configured:
        return configured.rstrip("/")
    url = current_request.url
    return f"{url.scheme}://{url.netloc}"


def served_key(storage: Storage, key: str) -> str:
    """``key``, when ``storage`` serves its own URLs and the key is well-formed; else 404."""
    if not storage.serves_own_urls:
        raise not_found("File")
    try:
        return check_key(key)
    except InvalidKey as exc:
        raise not_found("File") from exc


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk
    finally:
        stream.close()


def content_disposition(file_name: str | None) -> str:
    """``inline``, with the original file name (RFC 6266 / 5987 encoded) when known."""
    if not file_name:
        return "inline"
    return f"inline; filename*=UTF-8''{quote(file_name, safe='')}"


def object_response(
    storage: Storage, key: str, content_type: str, file_name: str | None = None
) -> StreamingResponse:
    """The object's bytes, streamed; raises ``ObjectMissing`` when there is none."""
    stream, size = storage.open(key)
    headers = {
        **SAFE_SERVING_HEADERS,
        "Content-Length": str(size),
        "Content-Disposition": content_disposition(file_name),
        "Cache-Control": "private, max-age=0, no-store",
    }
    return StreamingResponse(_chunks(stream), media_type=content_type, headers=headers)
