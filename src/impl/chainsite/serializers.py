"""Chainsite file records as the API shows them, inside the ``{status, message, data}`` envelope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contractkit.impl.chainsite.models import StoredFile
from contractkit.impl.storage.base import Storage
from contractkit.impl.timeutil import as_utc


def timestamp(value: datetime | None) -> str | None:
    """Millisecond RFC 3339 text with ``Z``, as the seed shows (``2025-04-30T15:03:09.568Z``)."""
    if value is None:
        return None
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_record(record: StoredFile, storage: Storage, route: str) -> dict[str, Any]:
    return {
        "_id": record.id,
        "name": record.name,
        "uploaded_by": record.uploaded_by,
        "type": record.content_type,
        "size": str(record.size),
        "bucket": storage.bucket,
        "url": storage.public_url(record.name, route),
        "meta": {"originalName": record.original_name},
        "status": record.status,
        "deletedAt": timestamp(record.deleted_at),
        "createdAt": timestamp(record.created_at),
        "updatedAt": timestamp(record.updated_at),
        "__v": record.version,
    }


def success(message: str, data: Any) -> dict[str, Any]:
    return {"status": "success", "message": message, "data": data}
