"""Cache configurations: which requests the CDN caches (see ``blaize.content.origin_cache``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import CacheConfiguration
from contractkit.impl.blaize.content.origin_cache import invalid_patterns
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import ApiError, not_found


def tenant_configurations(session: Session, tenant_id: str) -> list[CacheConfiguration]:
    """The tenant's configurations, oldest first (the order they decide in)."""
    return tenant_rows(session, CacheConfiguration, tenant_id)


def find_configuration(
    session: Session, tenant_id: str, configuration_id: str
) -> CacheConfiguration:
    """The configuration with this id in the tenant, or 404."""
    found = (
        None
        if contains_nul(configuration_id)
        else session.get(CacheConfiguration, configuration_id)
    )
    if found is None or found.tenant_id != tenant_id:
        raise not_found("Cache Configuration")
    return found


def _write(configuration: CacheConfiguration, body: dict[str, Any]) -> None:
    """Store the body's documented members; 400 when a pattern is not a regular expression."""
    invalid = invalid_patterns(body.get("conditions"))
    if invalid:
        raise ApiError(400, "bad_request", "A pattern is not a valid regular expression", invalid)
    configuration.label = body.get("label")
    configuration.conditions = body.get("conditions")
    configuration.cache = body.get("cache")


def add_configuration(session: Session, tenant_id: str, body: dict[str, Any]) -> CacheConfiguration:
    """A new configuration of the body's members, under an id Blaize assigns."""
    configuration = CacheConfiguration(id=new_id(), tenant_id=tenant_id)
    _write(configuration, body)
    session.add(configuration)
    return configuration


def replace_configuration(
    session: Session, configuration: CacheConfiguration, body: dict[str, Any]
) -> None:
    """Replace every member of the configuration with the body's."""
    _write(configuration, body)
    session.flush()


def remove_configuration(session: Session, configuration: CacheConfiguration) -> None:
    session.delete(configuration)
