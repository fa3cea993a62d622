"""Valid example values for string ``format``s, plain (static) or drawn from a seeded RNG."""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable

_WORDS = ("alpha", "bravo", "delta", "echo", "kilo", "lima", "nova", "oscar", "tango", "zulu")


def _date(rng: random.Random | None) -> str:
    if rng is None:
        return "2024-01-15"
    return f"{rng.randint(2000, 2030):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _clock(rng: random.Random | None) -> str:
    if rng is None:
        return "09:30:00"
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def _time(rng: random.Random | None) -> str:
    """A ``time`` without an offset: the form every common validator accepts (``hh:mm:ss``
    for openapi-schema-validator, optional offset in ajv-formats), where ``09:30:00Z`` is
    refused by the first."""
    return _clock(rng)


def _word(rng: random.Random | None) -> str:
    return _WORDS[0] if rng is None else rng.choice(_WORDS)


def _uuid(rng: random.Random | None) -> str:
    if rng is None:
        return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ipv4(rng: random.Random | None) -> str:
    return "192.0.2.1" if rng is None else f"192.0.2.{rng.randint(1, 254)}"


def _ipv6(rng: random.Random | None) -> str:
    return "2001:db8::1" if rng is None else f"2001:db8::{rng.randint(1, 65535):x}"


def _byte(rng: random.Random | None) -> str:
    raw = b"contract" if rng is None else bytes(rng.randint(0, 255) for _ in range(6))
    return base64.b64encode(raw).decode("ascii")


FORMATS: dict[str, Callable[[random.Random | None], str]] = {
    "date-time": lambda r: f"{_date(r)}T{_clock(r)}Z",
    "date": _date,
    "time": _time,
    "duration": lambda r: "P1D" if r is None else f"P{r.randint(1, 30)}DT{r.randint(0, 23)}H",
    "email": lambda r: f"{_word(r)}@example.com",
    "idn-email": lambda r: f"{_word(r)}@example.com",
    "hostname": lambda r: f"{_word(r)}.example.com",
    "idn-hostname": lambda r: f"{_word(r)}.example.com",
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "uri": lambda r: f"https://example.com/{_word(r)}",
    "url": lambda r: f"https://example.com/{_word(r)}",
    "iri": lambda r: f"https://example.com/{_word(r)}",
    "uri-reference": lambda r: f"/{_word(r)}",
    "iri-reference": lambda r: f"/{_word(r)}",
    "uri-template": lambda r: f"https://example.com/{_word(r)}/{{id}}",
    "uuid": _uuid,
    "byte": _byte,
    "binary": lambda r: "binary-content",
    "password": lambda r: "p4ssw0rd",
    "json-pointer": lambda r: f"/{_word(r)}",
    "relative-json-pointer": lambda r: "0",
    "regex": lambda r: "^[a-z]+$",
}


def value_for_format(fmt: str, rng: random.Random | None) -> str | None:
    """A valid value for ``fmt`` (``None`` for formats without a generator)."""
    make = FORMATS.get(fmt)
    return make(rng) if make is not None else None
