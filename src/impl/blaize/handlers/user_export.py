"""Handler of the user_export module: every user of the tenant, streamed as a JSON array.

Each batch of users read (``people.user_export``) is written out as it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from starlette.responses import StreamingResponse

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.user_export import ExportQuery, export_records


def json_array(records: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """The records as one JSON array, one element per chunk."""
    yield b"["
    separator = b""
    for record in records:
        yield separator + json.dumps(record, ensure_ascii=False).encode("utf-8")
        separator = b","
    yield b"]"


def export_users(
    ctx: BlaizeContext,
    token_info: dict[str, Any],
    attributes: str | None = None,
    appIds: list[str] | None = None,
) -> StreamingResponse:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
    query = ExportQuery.from_parameters(caller.tenant_id, attributes, appIds)
    return StreamingResponse(
        json_array(export_records(ctx.db, query)), media_type="application/json"
    )
