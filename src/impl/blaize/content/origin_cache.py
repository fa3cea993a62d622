"""The CDN's stored cache state: which origin responses are cached, and their evictions.

The cache configurations decide what is cacheable: the first configuration (oldest first)
whose conditions a request meets decides, and it caches the origin's response when its
``cache.origin`` is true. The CDN edge calls ``record_origin_response`` when it has fetched a
path from the tenant's origin; the Admin API shows the cached responses and evicts them.

An eviction marks every cached response whose path the pattern matches in full (Java's
``String.matches``) as evicted, and is recorded with who asked, when, and what it evicted.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jsonschema_rs
from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import (
    CacheConfiguration,
    CachedOriginResponse,
    OriginEviction,
)
from contractkit.impl.blaize.identity.access import Caller
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.timeutil import isoformat, utcnow

# What JSON Schema's ``format: regex`` accepts (ECMA 262), as the documents promise.
_ECMA_262 = jsonschema_rs.Draft4Validator({"format": "regex"}, validate_formats=True)


@lru_cache(maxsize=512)
def compile_pattern(text: str) -> re.Pattern[str] | None:
    """The compiled regular expression, or None when ``text`` is not one.

    A pattern must be valid in the syntax ECMA 262 (the documents' ``format: regex``) and
    Python's ``re`` (the matcher) share, which is also the syntax Java shares with them.
    """
    try:
        if not _ECMA_262.is_valid(text):
            return None
    except ValueError:  # text the validator cannot take (lone surrogates)
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return re.compile(text)
        except (re.error, OverflowError, RecursionError, ValueError):
            return None


def invalid_patterns(conditions: Mapping[str, Any] | None) -> dict[str, str]:
    """The patterns of a configuration's conditions that are not valid, by body field."""
    conditions = conditions or {}
    patterns = {"/conditions/url_pattern": conditions.get("url_pattern")}
    for name, pattern in (conditions.get("header_patterns") or {}).items():
        patterns[f"/conditions/header_patterns/{name}"] = pattern
    return {
        field: "is not a valid regular expression"
        for field, pattern in patterns.items()
        if pattern is not None and compile_pattern(pattern) is None
    }


def _found_in(pattern: str, text: str) -> bool:
    compiled = compile_pattern(pattern)
    return compiled is not None and compiled.search(text) is not None


def conditions_met(
    conditions: Mapping[str, Any] | None, path: str, headers: Mapping[str, str]
) -> bool:
    """Whether a request for ``path`` with ``headers`` meets every condition given."""
    conditions = conditions or {}
    url_pattern = conditions.get("url_pattern")
    if url_pattern is not None and not _found_in(url_pattern, path):
        return False
    values = {name.lower(): value for name, value in headers.items()}
    for name, pattern in (conditions.get("header_patterns") or {}).items():
        value = values.get(name.lower())
        if value is None or not _found_in(pattern, value):
            return False
    return True


def deciding_configuration(
    session: Session, tenant_id: str, path: str, headers: Mapping[str, str]
) -> CacheConfiguration | None:
    """The tenant's first configuration (oldest first) whose conditions the request meets."""
    configurations = tenant_rows(session, CacheConfiguration, tenant_id)
    for configuration in configurations:
        if conditions_met(configuration.conditions, path, headers):
            return configuration
    return None


def record_origin_response(
    session: Session, tenant_id: str, path: str, headers: Mapping[str, str]
) -> CachedOriginResponse | None:
    """The edge fetched ``path`` from the origin: cache it if the configurations say so.

    A path evicted before is cached afresh. Answers the cached entry, or None when the
    deciding configuration does not cache origin responses (or no configuration applies).
    """
    configuration = deciding_configuration(session, tenant_id, path, headers)
    if configuration is None or not (configuration.cache or {}).get("origin"):
        return None
    entry = session.get(CachedOriginResponse, (tenant_id, path))
    if entry is None:
        entry = CachedOriginResponse(tenant_id=tenant_id, path=path)
        session.add(entry)
    entry.configuration_id = configuration.id
    entry.cached_at = utcnow()
    entry.evicted_at = None
    entry.eviction_id = None
    session.flush()
    return entry


def evict(session: Session, caller: Caller, pattern: str) -> OriginEviction:
    """Evict the caller's tenant's cached responses whose whole path matches ``pattern``.

    ``pattern`` must compile (see ``compile_pattern``).
    """
    compiled = compile_pattern(pattern)
    assert compiled is not None
    now = utcnow()
    cached = session.scalars(
        select(CachedOriginResponse).where(
            CachedOriginResponse.tenant_id == caller.tenant_id,
            CachedOriginResponse.evicted_at.is_(None),
        )
    )
    matching = sorted(
        (entry for entry in cached if compiled.fullmatch(entry.path)), key=lambda e: e.path
    )
    eviction = OriginEviction(
        id=new_id(),
        tenant_id=caller.tenant_id,
        admin_user_id=caller.admin.id,
        requested_by=caller.admin.email,
        pattern=pattern,
        evicted_paths=[entry.path for entry in matching],
        requested_at=now,
    )
    session.add(eviction)
    session.flush()
    for entry in matching:
        entry.evicted_at = now
        entry.eviction_id = eviction.id
    return eviction


def tenant_evictions(session: Session, tenant_id: str) -> list[OriginEviction]:
    """The tenant's evictions, newest first."""
    query = (
        select(OriginEviction)
        .where(OriginEviction.tenant_id == tenant_id)
        .order_by(OriginEviction.requested_at.desc(), OriginEviction.id)
    )
    return list(session.scalars(query))


def cached_responses(session: Session, tenant_id: str) -> list[CachedOriginResponse]:
    """The tenant's cached origin responses, evicted ones included."""
    query = select(CachedOriginResponse).where(CachedOriginResponse.tenant_id == tenant_id)
    return list(session.scalars(query))


def eviction_view(eviction: OriginEviction) -> dict[str, Any]:
    return {
        "id": eviction.id,
        "pattern": eviction.pattern,
        "requested_by": eviction.requested_by,
        "requested_at": isoformat(eviction.requested_at),
        "evicted": list(eviction.evicted_paths),
    }


def cached_view(entry: CachedOriginResponse) -> dict[str, Any]:
    values = {
        "path": entry.path,
        "configuration_id": entry.configuration_id,
        "cached_at": isoformat(entry.cached_at),
        "evicted_at": isoformat(entry.evicted_at),
        "eviction_id": entry.eviction_id,
    }
    return {name: value for name, value in values.items() if value is not None}
