"""Handlers of the cache_configurations module: what the CDN caches, and evictions."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.content import origin_cache
from contractkit.impl.blaize.content.cache_configurations import (
    add_configuration,
    find_configuration,
    remove_configuration,
    replace_configuration,
    tenant_configurations,
)
from contractkit.impl.blaize.content.models import CacheConfiguration
from contractkit.impl.blaize.content.origin_cache import (
    cached_responses,
    cached_view,
    compile_pattern,
    evict,
    eviction_view,
    tenant_evictions,
)
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.records import BODY_FIELD, set_fields_view, text_body
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import ApiError


def configuration_view(configuration: CacheConfiguration) -> dict[str, Any]:
    return set_fields_view(configuration.id, configuration, ("label", "conditions", "cache"))


def list_cache_configurations(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        configurations = tenant_configurations(session, caller.tenant_id)
        return {"results": [configuration_view(c) for c in configurations]}, 200


def create_cache_configuration(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        configuration = add_configuration(session, caller.tenant_id, body)
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
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return configuration_view(find_configuration(session, caller.tenant_id, id)), 200


def update_cache_configuration(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        configuration = find_configuration(session, caller.tenant_id, id)
        refuse_unstorable(body)
        replace_configuration(session, configuration, body)
        return configuration_view(configuration), 200


def delete_cache_configuration(
    ctx: BlaizeContext, id: str, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        remove_configuration(session, find_configuration(session, caller.tenant_id, id))
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
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        evictions = tenant_evictions(session, caller.tenant_id)
        return {"results": [eviction_view(eviction) for eviction in evictions]}, 200


def list_cached_origin_responses(
    ctx: BlaizeContext, token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        entries = cached_responses(session, caller.tenant_id)
        views = sorted((cached_view(entry) for entry in entries), key=lambda v: v["path"])
        return {"results": views}, 200


NOT_CACHED = "Not cached; no cache configuration caches this request's origin response"


def record_origin_response(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        headers = body.get("headers") or {}
        entry = origin_cache.record_origin_response(
            session, caller.tenant_id, body["path"], headers
        )
        if entry is None:
            return {"message": NOT_CACHED}, 200
        return cached_view(entry), 201
