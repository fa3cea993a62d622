"""JSON for stored resources and stateful answers: orjson where it can, the standard library
where orjson refuses (integers beyond 64 bits, non-string keys), so no value is ever lost."""

from __future__ import annotations

import json
from typing import Any

import orjson

from contractkit.mock.state.backend import JSONObject


def to_bytes(value: Any) -> bytes:
    """Compact JSON bytes (UTF-8)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def to_text(value: Any) -> str:
    """Compact JSON text, as stored by the engines."""
    return to_bytes(value).decode()


def load_object(text: str | bytes) -> JSONObject:
    """A stored object (anything else stored reads as an empty object)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = json.loads(text)
    return value if isinstance(value, dict) else {}


def load_objects(texts: list[str]) -> list[JSONObject]:
    """Many stored objects, decoded in one call (one by one when any of them is damaged)."""
    if not texts:
        return []
    try:
        values = orjson.loads("[" + ",".join(texts) + "]")
    except orjson.JSONDecodeError:
        return [load_object(text) for text in texts]
    if len(values) != len(texts):
        return [load_object(text) for text in texts]
    return [value if isinstance(value, dict) else {} for value in values]
