"""Request bodies in textual media types Schemathesis has no serializer for.

Schemathesis sends `text/*` bodies as text, but reports an error ("Serialization not possible")
for any other media type it does not know, such as `application/graphql`, even when the
document describes the body as a plain string. Such a run has not found anything wrong with the
API. The runner therefore sends those bodies as text: every request media type of the document
that no serializer covers and whose schema is a string (or absent) is registered as an alias of
`text/plain`. The registration is process-wide and only ever adds media types.

As on the wire every such body is text, a negative case whose only negation is the body's type
(an object sent as `{}`) arrives as a valid string: the server is right to accept it. Schemathesis
knows this for `text/plain` itself; `is_stringified_negation` tells the runner the same about
the media types registered here, so that no false alarm is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.transforms import to_wire_text
from schemathesis.generation.case import Case
from schemathesis.transport.requests import REQUESTS_TRANSPORT

from contractkit.openapi import Document

TEXT_SOURCE = "text/plain"
_REGISTERED: set[str] = set()
_OTHER_LOCATIONS = (
    ParameterLocation.PATH,
    ParameterLocation.QUERY,
    ParameterLocation.HEADER,
    ParameterLocation.COOKIE,
)


def _request_media(document: Document) -> Iterator[tuple[str, Any]]:
    for operation in document.operations:
        body = operation.request_body
        for media in body.content.values() if body is not None else []:
            node = media.located.node
            schema = document.resolve(node.get("schema")) if isinstance(node, dict) else None
            yield media.name, schema


def _is_text(document: Document, schema: Any) -> bool:
    if schema is None:
        return True
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "string" and schema.get("format") not in ("binary", "byte"):
        return True
    return any(
        isinstance(parts, list)
        and parts
        and all(_is_text(document, document.resolve(p)) for p in parts)
        for parts in (schema.get("allOf"), schema.get("oneOf"), schema.get("anyOf"))
    )


def textual_media_without_serializer(document: Document) -> list[str]:
    """Request media types of `document` Schemathesis cannot send but that hold plain text."""
    found: list[str] = []
    for media_type, schema in _request_media(document):
        bare = media_type.split(";", 1)[0].strip().lower()
        if not bare or "*" in bare or bare in found:
            continue
        if REQUESTS_TRANSPORT.get_first_matching_media_type(bare) is not None:
            continue
        if _is_text(document, schema):
            found.append(bare)
    return found


def send_as_text(media_types: list[str]) -> None:
    """Send bodies of `media_types` as text, and count them as text in `is_stringified_negation`."""
    if media_types:
        schemathesis.serializer.alias(media_types, TEXT_SOURCE)
        _REGISTERED.update(media_types)


def register_text_bodies(document: Document) -> list[str]:
    """Send the textual bodies of `document` that have no serializer as text; returns them."""
    media_types = textual_media_without_serializer(document)
    send_as_text(media_types)
    return media_types


def is_stringified_negation(case: Case) -> bool:
    """Whether `case` is negative only through a body that, sent as text, is valid after all."""
    media_type = (case.media_type or "").split(";", 1)[0].strip().lower()
    meta = case.meta
    if media_type not in _REGISTERED or meta is None:
        return False
    if not meta.is_negative_at(ParameterLocation.BODY):
        return False
    if any(meta.is_negative_at(location) for location in _OTHER_LOCATIONS):
        return False
    body = case.body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = text if isinstance(text, str) else to_wire_text(text)
    alternative = case.operation.get_body_for_media_type(media_type)
    if alternative is None:
        return False
    try:
        validator = jsonschema_rs.validator_for(alternative.optimized_schema, validate_formats=True)
    except (ValueError, TypeError):
        return False
    return bool(validator.is_valid(text))
