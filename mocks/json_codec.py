"""JSON for stored resources, stateful answers and request bodies: orjson where it reads and
writes what the standard library would, the standard library elsewhere (integers beyond 64
bits, which orjson refuses to write and would read as floats; ``NaN`` literals it refuses to
read; lone surrogates; non-string keys), so no number loses digits and no string a character.
Not-a-number and infinite floats, which JSON cannot spell, are written as ``null``."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

JSONObject = dict[str, Any]


def to_bytes(value: Any) -> bytes:
    """Compact JSON bytes (UTF-8)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        # ASCII escapes, so that lone surrogates (valid JSON, not UTF-8) are kept too.
        return json.dumps(value, separators=(",", ":")).encode()


def to_text(value: Any) -> str:
    """Compact JSON text, as stored by the engines."""
    return to_bytes(value).decode()


_LONG_NUMBER = re.compile(r"\d{20,}")
_LONG_NUMBER_BYTES = re.compile(rb"\d{20,}")


def loads(text: str | bytes) -> Any:
    """A JSON value, read exactly as :func:`json.loads` reads it (raises ``ValueError``)."""
    found = (_LONG_NUMBER_BYTES if isinstance(text, bytes) else _LONG_NUMBER).search(text)  # type: ignore[arg-type]
    if found is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # the standard library reads more (NaN) and says why not
    return json.loads(text)


def load_object(text: str | bytes) -> JSONObject:
    """A stored object (anything else stored reads as an empty object)."""
    value = loads(text)
    return value if isinstance(value, dict) else {}


def load_objects(texts: list[str]) -> list[JSONObject]:
    """Many stored objects, decoded in one call (one by one when any of them is damaged)."""
    if not texts:
        return []
    try:
        values = loads("[" + ",".join(texts) + "]")
    except ValueError:
        return [load_object(text) for text in texts]
    if len(values) != len(texts):
        return [load_object(text) for text in texts]
    return [value if isinstance(value, dict) else {} for value in values]
