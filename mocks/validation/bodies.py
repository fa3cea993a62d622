"""Request bodies: which declared media type a body is, and its content as data."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from contractkit.mock.document.model import MediaType
from contractkit.mock.document.schemas import CompiledSchema
from contractkit.mock.json_codec import loads
from contractkit.mock.validation.coercion import (
    coerce_items,
    coerce_value,
    schema_types,
    sub_schema,
)


class BodyError(ValueError):
    """The body cannot be read as its content type says."""


def is_json_media(media: str) -> bool:
    """``application/json``, ``*/*+json`` and the like."""
    subtype = media.partition("/")[2]
    return subtype == "json" or subtype.endswith("+json") or subtype.startswith("json")


def media_matches(declared: str, actual: str) -> bool:
    """Whether a declared media range (``*/*``, ``image/*``, exact) covers ``actual``."""
    declared = declared.split(";", 1)[0].strip().lower()
    if declared in ("*/*", actual):
        return True
    kind, _, subtype = declared.partition("/")
    actual_kind, _, _ = actual.partition("/")
    return subtype == "*" and kind == actual_kind


def find_media(content: dict[str, MediaType], actual: str) -> MediaType | None:
    """The declared media type the request's content type falls under (exact first)."""
    exact = content.get(actual)
    if exact is not None:
        return exact
    bare = {name.split(";", 1)[0].strip(): media for name, media in content.items()}
    if actual in bare:
        return bare[actual]
    ranked = sorted(bare.items(), key=lambda item: item[0].count("*"))
    return next((media for name, media in ranked if media_matches(name, actual)), None)


def _form_fields(pairs: list[tuple[str, Any]], schema: CompiledSchema | None) -> dict[str, Any]:
    grouped: dict[str, list[Any]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    node = schema.schema if schema else None
    result: dict[str, Any] = {}
    for name, values in grouped.items():
        prop = sub_schema(schema, node, "properties", name)
        types = schema_types(schema, prop) if prop is not None else set()
        texts = [v for v in values if isinstance(v, str)]
        if "array" in types:
            result[name] = (
                coerce_items(texts, schema, prop) if len(texts) == len(values) else values
            )
        elif isinstance(values[-1], str):
            result[name] = coerce_value(values[-1], schema, prop)
        else:
            result[name] = values[-1]
    return result


def _multipart_pairs(body: bytes, content_type_header: str) -> list[tuple[str, Any]]:
    head = f"Content-Type: {content_type_header}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BodyError("multipart body without parts")
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            raise BodyError("multipart part without a name")
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        part_type = part.get_content_type()
        if part.get_filename() is not None or part_type == "application/octet-stream":
            pairs.append((str(name), payload.decode("latin-1")))
        elif is_json_media(part_type):
            try:
                pairs.append((str(name), json.loads(payload)))
            except ValueError as exc:
                raise BodyError(f"part {name!r} is not valid JSON: {exc}") from exc
        else:
            charset = part.get_content_charset() or "utf-8"
            pairs.append((str(name), payload.decode(charset, errors="replace")))
    return pairs


def parse_body(media: MediaType, body: bytes, content_type_header: str) -> Any:
    """The body as data for validation against ``media.schema``; raises :class:`BodyError`."""
    name = media.name.split(";", 1)[0].strip().lower()
    actual = content_type_header.split(";", 1)[0].strip().lower()
    if is_json_media(actual) or (is_json_media(name) and not actual):
        try:
            return loads(body)
        except ValueError as exc:
            raise BodyError(f"body is not valid JSON: {exc}") from exc
    if actual == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError("form body is not UTF-8") from exc
        return _form_fields(list(parse_qsl(text, keep_blank_values=True)), media.schema)
    if actual.startswith("multipart/"):
        return _form_fields(_multipart_pairs(body, content_type_header), media.schema)
    if actual.startswith("text/") or actual in ("application/xml", "application/javascript"):
        text = body.decode("utf-8", errors="replace")
        return coerce_value(text, media.schema, media.schema.schema if media.schema else None)
    return body.decode("latin-1")
