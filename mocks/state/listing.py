"""What a stateful list asks of a state engine: which stored fields must equal which values,
where the page starts and how long it is, and whether the total is wanted.

The matching rule is the one every engine keeps (SQLite applies it in SQL, the others here):
a filtered field must be present and equal, as a query string would spell it, one of the
wanted values; an array field matches when one of its entries does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Listing:
    """One page of a bucket, filtered."""

    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    """Field name -> the wanted values (as :func:`query_text` spells them); ANDed."""
    start: int = 0
    size: int | None = None
    """Entries on the page; ``None`` for all from ``start``."""
    count: bool = False
    """Whether the number of matching entries (all pages) is wanted."""


@dataclass(frozen=True)
class Page:
    """The entries of one page, oldest first, and the number that match (``None`` when the
    listing did not ask for it)."""

    items: list[dict[str, Any]]
    total: int | None
    texts: list[str] | None = None
    """Each entry as the engine stores it, when it keeps entries as JSON text (the store
    then checks an entry against a list's schema once per text, see
    :mod:`~contractkit.mock.state.checked_entries`)."""


def query_text(value: Any) -> str:
    """A value as a query string would spell it (``true``, ``2`` for ``2.0``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def field_matches(value: Any, wanted: frozenset[str] | set[str]) -> bool:
    """Whether a stored field equals one of ``wanted`` (an array field: contains one)."""
    if isinstance(value, list):
        return any(query_text(entry) in wanted for entry in value)
    return query_text(value) in wanted


def item_matches(item: Any, filters: dict[str, frozenset[str]]) -> bool:
    """Whether every filtered field of ``item`` has one of its wanted values."""
    return isinstance(item, dict) and all(
        name in item and field_matches(item[name], wanted) for name, wanted in filters.items()
    )


def page_of(items: list[dict[str, Any]], listing: Listing) -> Page:
    """``listing`` applied to a whole bucket already read (engines without a query language)."""
    matching = [item for item in items if item_matches(item, listing.filters)]
    end = None if listing.size is None else listing.start + listing.size
    return Page(matching[listing.start : end], len(matching) if listing.count else None)
