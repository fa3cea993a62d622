"""Building a documented response: body from example or schema, declared headers, bytes.

Static answers (no ``dynamic``) do not depend on the request, so their bytes are built once
per (operation, status, media type, example) and reused; dynamic answers are generated from
an RNG seeded by (seed, method, template, status, media type, canonical request), which
makes them reproducible and independent of the order requests arrive in.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

from contractkit.mock.document.examples import read_examples
from contractkit.mock.document.model import MediaType, Operation, ResponseSpec
from contractkit.mock.generation.generator import Generator, flatten_schema, generate_valid
from contractkit.mock.types import MockRequest, MockResponse
from contractkit.mock.validation.bodies import is_json_media

WARNING_HEADER = "x-contractkit-warning"
NONCONFORMING = "generated body does not fully conform to its schema"


def seeded_rng(seed: int, *parts: Any) -> random.Random:
    """An RNG whose state depends only on ``seed`` and ``parts``."""
    digest = hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def canonical_request(request: MockRequest, path_params: dict[str, str]) -> str:
    """The parts of a request that decide a dynamic answer, in a stable order."""
    body = hashlib.blake2b(request.body, digest_size=8).hexdigest() if request.body else ""
    return repr((sorted(path_params.items()), sorted(request.query), body))


_WILDCARD_DEFAULTS = {
    "text": "text/plain",
    "image": "image/png",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "font": "font/woff2",
}


def wire_media_type(media: MediaType) -> str:
    """The ``Content-Type`` to answer for a documented media type: itself, or for a range
    (``*/*``, ``image/*``) a concrete type that it covers and that suits the schema."""
    name = media.name
    if "*" not in name:
        return name
    kind = name.split(";", 1)[0].strip().lower().partition("/")[0]
    if kind in _WILDCARD_DEFAULTS:
        return _WILDCARD_DEFAULTS[kind]
    schema = flatten_schema(media.schema, media.schema.schema) if media.schema else {}
    textual = schema.get("type") == "string"
    if textual and schema.get("format") not in ("binary", "byte"):
        return "text/plain" if kind == "*" else f"{kind}/octet-stream"
    if textual or media.schema is None:
        return (
            "application/octet-stream" if kind in ("*", "application") else f"{kind}/octet-stream"
        )
    return "application/json" if kind in ("*", "application") else f"{kind}/octet-stream"


def serialize(value: Any, media_name: str) -> bytes:
    """Body bytes for a value in a media type (JSON unless the value is already text)."""
    bare = media_name.split(";", 1)[0].strip().lower()
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and not is_json_media(bare):
        return value.encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def header_safe(text: str, limit: int = 400) -> str:
    """``text`` as one line of printable ASCII for a response header."""
    flat = " ".join(text.split()).encode("ascii", "replace").decode("ascii")
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def header_text(value: Any) -> str:
    """A header value in the ``simple`` style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def response_headers(response: ResponseSpec, rng: random.Random, dynamic: bool) -> dict[str, str]:
    """Values for the headers a response declares (examples first, else generated)."""
    headers: dict[str, str] = {}
    for name, (_required, schema, example) in response.headers.items():
        if name == "content-type":
            continue
        if example is not None and not dynamic:
            headers[name] = header_text(example)
        elif schema is not None:
            value, _ = generate_valid(schema, rng, dynamic=dynamic)
            headers[name] = header_text(value).encode("latin-1", "replace").decode("latin-1")
    return headers


class Responder:
    """Produces the answer for a negotiated (operation, status, response, media type)."""

    def __init__(self, seed: int, cache_size: int = 4096, ignore_examples: bool = False) -> None:
        self.seed = seed
        self.ignore_examples = ignore_examples
        """Generate bodies even where examples exist (Prism's ``--ignoreExamples``)."""
        self._cache: dict[tuple[Any, ...], MockResponse] = {}
        self._cache_size = cache_size

    def clear(self) -> None:
        """Drop cached answers."""
        self._cache.clear()

    def body_value(
        self,
        operation: Operation,
        status: int,
        media: MediaType,
        rng: random.Random,
        dynamic: bool,
        example_name: str | None,
    ) -> tuple[Any, bool, str | None]:
        """(value, found, warning): the example or a generated value for ``media``; ``found``
        is false for an unknown example name, ``warning`` says why the body is generated
        although an example was asked for, or that it breaks its schema."""
        warning = None
        if example_name is not None or not (dynamic or self.ignore_examples):
            examples = read_examples(media, operation.workspace)
            chosen = examples.first() if example_name is None else examples.named(example_name)
            if chosen is not None:
                return chosen.value, True, None
            if example_name is not None:
                reason = examples.skip_reason(example_name)
                if reason is None:
                    return None, False, None
                warning = header_safe(f"example {example_name!r} is not served: it {reason}")
        if media.schema is None:
            return None, True, warning
        value, valid = generate_valid(media.schema, rng, dynamic=dynamic)
        if not valid:
            warning = NONCONFORMING
        return value, True, warning

    def respond(
        self,
        operation: Operation,
        status: int,
        response: ResponseSpec | None,
        media: MediaType | None,
        request: MockRequest,
        path_params: dict[str, str],
        dynamic: bool,
        example_name: str | None,
    ) -> MockResponse | None:
        """The answer, or ``None`` when the named example does not exist."""
        key = (id(operation), status, media.name if media else None, example_name)
        if not dynamic:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            rng = seeded_rng(self.seed, operation.method, operation.template, status, key[2])
        else:
            canonical = canonical_request(request, path_params)
            rng = seeded_rng(
                self.seed, operation.method, operation.template, status, key[2], canonical
            )
        documented = response.key if response is not None else None
        headers = response_headers(response, rng, dynamic) if response is not None else {}
        body = b""
        if media is not None:
            value, found, warning = self.body_value(
                operation, status, media, rng, dynamic, example_name
            )
            if not found:
                return None
            wire = wire_media_type(media)
            headers["content-type"] = wire
            if warning is not None:
                headers[WARNING_HEADER] = warning
            if value is not None or media.schema is not None:
                body = serialize(value, wire)
        answer = MockResponse(status, headers, body, documented_as=documented)
        if not dynamic:
            if len(self._cache) >= self._cache_size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = answer
        return answer

    def generate(self, operation: Operation, media: MediaType, parts: tuple[Any, ...]) -> Any:
        """A conforming value for ``media``, from an RNG seeded by ``parts`` (state store)."""
        if media.schema is None:
            return None
        rng = seeded_rng(self.seed, operation.method, operation.template, *parts)
        value, valid = generate_valid(media.schema, rng)
        if not valid:
            value = Generator(media.schema, rng).value()
        return value
