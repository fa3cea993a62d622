"""Handlers of the cache_configurations module: what the CDN caches, and evictions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from contractkit.impl.blaize.content.models import (
    CacheConfiguration,
    CachedOriginResponse,
    OriginEviction,
)
from contractkit.impl.blaize.content.origin_cache import (
    cached_view,
    compile_pattern,
    evict,
    eviction_view,
    invalid_patterns,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import (
    BODY_FIELD,
    owned,
    set_fields_view,
    tenant_rows,
    text_body,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import ApiError

WHAT = "Cache Configuration"


def configuration_view(configuration: CacheConfiguration) -> dict[str, Any]:
    return set_fields_view(configuration.id, configuration, ("label", "conditions", "cache"))


def _write(configuration: CacheConfiguration, body: dict[str, Any]) -> None:
    """Store the body's documented members; 400 when a pattern is not a regular expression."""
    invalid = invalid_patterns(body.get("conditions"))
    if invalid:
        raise ApiError(400, "bad_request", "A pattern is not a valid regular expression", invalid)
    configuration.label = body.get("label")
    configuration.conditions = body.get("conditions")
    configuration.cache = body.get("cache")


def list_cache_configurations(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        configurations = tenant_rows(session, CacheConfiguration, caller.tenant_id)
        return {"results": [configuration_view(c) for c in configurations]}, 200


def create_cache_configuration(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        configuration = CacheConfiguration(id=new_id(), tenant_id=caller.tenant_id)
        _write(configuration, body)
        session.add(configuration)
    uri = ctx.uri(f"/v3/cache-configurations/{configuration.id}")
    answer = {
        "id": configuration.id,
        "message": "Cache configuration created successfully",
        "uri": uri,
    }
    return answer, 201, {"Location": uri}


def get_cache_configuration(
    ctx: BlaizeContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return configuration_view(
            owned(session, CacheConfiguration, id, caller.tenant_id, WHAT)
        ), 200


def update_cache_configuration(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        configuration = owned(session, CacheConfiguration, id, caller.tenant_id, WHAT)
        refuse_unstorable(body)
        _write(configuration, body)
        session.flush()
        return configuration_view(configuration), 200


def delete_cache_configuration(
    ctx: BlaizeContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        session.delete(owned(session, CacheConfiguration, id, caller.tenant_id, WHAT))
    return {"message": "Cache configuration deleted successfully"}, 200


def origin_pattern(body: object) -> str:
    """The one-line expression of an eviction request (a final line ending is dropped); else 400."""
    text = text_body(body)
    line = text.removesuffix("\n").removesuffix("\r")
    if not line or "\n" in line or "\r" in line:
        raise ApiError(400, "bad_request", "The body must be one line of text", BODY_FIELD)
    if compile_pattern(line) is None:
        raise ApiError(400, "bad_request", "The body is not a valid regular expression", BODY_FIELD)
    return line


def evict_origin(ctx: BlaizeContext, body: object, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        pattern = origin_pattern(body)
        refuse_unstorable(pattern)
        eviction = evict(session, caller, pattern)
        return {"message": "Cached origin requests evicted", **eviction_view(eviction)}, 200


def list_origin_evictions(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        evictions = session.scalars(
            select(OriginEviction)
            .where(OriginEviction.tenant_id == caller.tenant_id)
            .order_by(OriginEviction.requested_at.desc(), OriginEviction.id)
        )
        return {"results": [eviction_view(eviction) for eviction in evictions]}, 200


def list_cached_origin_responses(
    ctx: BlaizeContext, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        entries = session.scalars(
            select(CachedOriginResponse).where(CachedOriginResponse.tenant_id == caller.tenant_id)
        )
        views = sorted((cached_view(entry) for entry in entries), key=lambda v: v["path"])
        return {"results": views}, 200
