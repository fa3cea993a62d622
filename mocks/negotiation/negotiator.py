"""Negotiation: which documented response, which media type and which example to answer with.

Clients steer it like Prism's: ``Prefer: code=404``, ``Prefer: example=name`` and
``Prefer: dynamic=true``; otherwise the lowest documented 2xx is chosen. The ``Accept``
header picks the media type (406 when none of the documented ones fits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractkit.mock.document.examples import read_examples
from contractkit.mock.document.model import MediaType, Operation, ResponseSpec
from contractkit.openapi.workspace import Workspace

_NO_EXAMPLE = object()


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the client asked for through ``Prefer``."""

    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None


@dataclass(frozen=True, slots=True)
class Negotiated:
    """The outcome: a response, its status and media type (``None`` for no body)."""

    status: int
    response: ResponseSpec | None
    media: MediaType | None


@dataclass(frozen=True, slots=True)
class NegotiationFailure:
    """Why no documented response fits (answered as problem+json)."""

    status: int
    title: str
    detail: str


def parse_prefer(header: str | None) -> Preferences:
    """Read ``code``, ``example`` and ``dynamic`` from a ``Prefer`` header."""
    if not header:
        return Preferences()
    values: dict[str, str] = {}
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    code = values.get("code")
    dynamic = values.get("dynamic")
    return Preferences(
        code=int(code) if code and code.isdigit() else None,
        example=values.get("example") or None,
        dynamic=None if dynamic is None else dynamic.lower() in ("true", "1", "yes"),
    )


def response_for_status(operation: Operation, status: int) -> ResponseSpec | None:
    """The documented response that covers ``status``: exact, then ``NXX``, then ``default``."""
    responses = operation.responses
    return (
        responses.get(str(status))
        or responses.get(f"{str(status)[0]}XX")
        or responses.get("default")
    )


def default_status(operation: Operation) -> tuple[int, ResponseSpec | None]:
    """The lowest documented 2xx (then 3xx, then ``default`` as 200, then the lowest code)."""
    numeric = sorted((int(key), spec) for key, spec in operation.responses.items() if key.isdigit())
    for prefix in ("2", "3"):
        for code, spec in numeric:
            if str(code).startswith(prefix):
                return code, spec
    ranges = sorted(k for k in operation.responses if k.endswith("XX"))
    for key in ranges:
        if key[0] in "23":
            return int(key[0]) * 100, operation.responses[key]
    if "default" in operation.responses:
        return 200, operation.responses["default"]
    if numeric:
        return numeric[0]
    return 200, None


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return sorted(ranges, key=lambda r: (-r[1], r[0].count("*")))


def _covers(accepted: str, media: str) -> bool:
    if accepted in ("*/*", "*"):
        return True
    kind, _, subtype = accepted.partition("/")
    media_kind, _, media_subtype = media.partition("/")
    if subtype == "*":
        return kind == media_kind
    return accepted == media or (
        subtype == "json" and media_subtype.endswith("+json") and kind == media_kind
    )


def choose_media(
    response: ResponseSpec, accept: str | None
) -> MediaType | NegotiationFailure | None:
    """The media type to answer with; JSON first when the client accepts anything."""
    content = response.content
    if not content:
        return None
    names = sorted(content, key=lambda n: (not n.startswith("application/json"), "json" not in n))
    if not accept or not accept.strip():
        return content[names[0]]
    for accepted, quality in _accept_ranges(accept):
        if quality <= 0:
            continue
        for name in names:
            bare = name.split(";", 1)[0]
            if _covers(accepted, bare) or _covers(bare, accepted):
                return content[name]
    return NegotiationFailure(
        406, "Not Acceptable", f"none of {', '.join(names)} is acceptable to {accept!r}"
    )


def negotiate(
    operation: Operation, prefer: Preferences, accept: str | None, status: int | None = None
) -> Negotiated | NegotiationFailure:
    """Pick status, response and media type."""
    wanted = status if status is not None else prefer.code
    if wanted is not None:
        response = response_for_status(operation, wanted)
        if response is None:
            return NegotiationFailure(
                500 if status is None else wanted,
                "No such response",
                f"{operation.label} documents no response for status {wanted}",
            )
        chosen = wanted
    else:
        chosen, response = default_status(operation)
        if response is None:
            return Negotiated(chosen, None, None)
    media = choose_media(response, accept)
    if isinstance(media, NegotiationFailure):
        return media
    return Negotiated(chosen, response, media)


def find_example(media: MediaType, name: str | None, workspace: Workspace) -> Any:
    """The named usable example, else the first usable one (``example``, then ``examples``);
    ``_NO_EXAMPLE`` when there is none (or the name is unknown or its example unusable)."""
    examples = read_examples(media, workspace)
    found = examples.first() if name is None else examples.named(name)
    return _NO_EXAMPLE if found is None else found.value


def has_example(value: Any) -> bool:
    """Whether :func:`find_example` found one."""
    return value is not _NO_EXAMPLE
