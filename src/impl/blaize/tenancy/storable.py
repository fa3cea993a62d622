"""Text the database can hold: PostgreSQL text cannot contain the NUL character (U+0000).

Identifiers with NUL name nothing (lookups answer 404); values with NUL cannot be stored
(writes answer 409). JSON documents (attributes, field definitions) keep NUL escaped and are
not affected.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.errors import ApiError

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def refuse_unstorable(*values: Any) -> None:
    """409 when any of the values (strings, or strings inside lists and objects) holds NUL."""
    if any(contains_nul(value) for value in values):
        raise ApiError(
            409, "conflict", "Text containing the NUL character (U+0000) cannot be stored"
        )
