"""Where an entity's file lives in storage, and what type it is served as."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from contractkit.impl.storage.base import check_key

OCTET_STREAM = "application/octet-stream"


def entity_key(tenant: str, request: Mapping[str, Any]) -> str:
    """``<tenant>/<entityType>/<entityId>/<fileName or entityId>.<extension>``."""
    extension = str(request["fileExtension"]).lstrip(".").lower()
    name = request.get("fileName") or request["entityId"]
    return check_key(f"{tenant}/{request['entityType']}/{request['entityId']}/{name}.{extension}")


def content_type_of(key: str) -> str:
    return mimetypes.guess_type(key, strict=False)[0] or OCTET_STREAM
