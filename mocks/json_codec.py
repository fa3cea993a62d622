"""JSON for stored resources, stateful answers and request bodies: orjson where it reads and
writes what the standard library would, the standard library elsewhere (integers beyond 64
bits, which orjson refuses to write and would read as floats; ``NaN`` literals it refuses to
read; lone surrogates; non-string keys), so no number loses digits and no string a character.
Not-a-number and infinite floats, which JSON cannot spell, are written as ``null``."""

from __future__ import annotations

import json
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


_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 20
"""Twenty digits in a row: possibly an integer beyond 64 bits (a run inside a string only
sends the text the slower way)."""


def _may_hold_long_number(text: str | bytes) -> bool:
    """Whether ``text`` has twenty ASCII digits in a row (a table lookup per byte and one
    substring search: many times cheaper than a regular expression over the text)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return _LONG_NUMBER in data.translate(_DIGITS_AS_ZERO)


def loads(text: str | bytes) -> Any:
    """A JSON value, read exactly as :func:`json.loads` reads it (raises ``ValueError``)."""
    if not _may_hold_long_number(text):
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
