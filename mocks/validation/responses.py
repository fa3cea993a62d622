"""Response validation (for the proxy): status, declared headers, content type and body.

As for requests, nothing raises: every way an answer breaks its operation's documented
responses becomes a :class:`Violation` (locations ``status``, ``header``, ``content-type``,
``body``).
"""

from __future__ import annotations

from contractkit.mock.document.model import Operation, ResponseSpec
from contractkit.mock.types import Violation
from contractkit.mock.validation.bodies import BodyError, find_media, is_json_media, parse_body
from contractkit.mock.validation.coercion import coerce_value

_NO_BODY_STATUSES = (204, 304)


def documented_response(operation: Operation, status: int) -> ResponseSpec | None:
    """The documented response covering ``status``: exact, then ``NXX``, then ``default``."""
    responses = operation.responses
    return (
        responses.get(str(status))
        or responses.get(f"{str(status)[0]}XX")
        or responses.get("default")
    )


def _check_headers(spec: ResponseSpec, headers: dict[str, str]) -> list[Violation]:
    found: list[Violation] = []
    for name, (required, schema, _example) in spec.headers.items():
        if name.lower() == "content-type":
            continue
        text = headers.get(name.lower())
        if text is None:
            if required:
                found.append(Violation("header", name, "is required but missing"))
            continue
        if schema is None:
            continue
        value = coerce_value(text, schema, schema.schema)
        found.extend(
            Violation("header", f"{name}.{path}" if path else name, message)
            for path, message in schema.errors(value, limit=5)
        )
    return found


def validate_response(
    operation: Operation, status: int, headers: dict[str, str], body: bytes | None
) -> list[Violation]:
    """How an answer breaks its operation (``body=None``: the body was not checked)."""
    spec = documented_response(operation, status)
    if spec is None:
        documented = ", ".join(sorted(operation.responses)) or "none"
        return [Violation("status", "", f"{status} is not documented (documented: {documented})")]
    found = _check_headers(spec, headers)
    if body is None:
        return found
    if not spec.content:
        if body:
            found.append(Violation("body", "", "a body is sent but none is documented"))
        return found
    if not body:
        if status not in _NO_BODY_STATUSES:
            found.append(Violation("body", "", "the documented body is missing"))
        return found
    header = headers.get("content-type", "")
    actual = header.split(";", 1)[0].strip().lower()
    media = find_media(spec.content, actual) if actual else None
    if media is None:
        documented = ", ".join(spec.content) or "none"
        given = actual or "no Content-Type"
        found.append(Violation("content-type", "", f"{given} is not documented ({documented})"))
        return found
    if media.schema is None or not is_json_media(actual):
        return found
    try:
        value = parse_body(media, body, header)
    except BodyError as exc:
        found.append(Violation("body", "", str(exc)))
        return found
    found.extend(Violation("body", path, message) for path, message in media.schema.errors(value))
    return found
