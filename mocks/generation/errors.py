"""Answers to invalid requests, in the error shape the document itself declares.

The declared error response (401, 403, 415, 422/400, ``4XX`` or ``default``) is produced from its
example or its schema, then its message field(s) and per-field maps/lists are filled with the
real violations, as far as the schema has room for them; the result is checked against the
schema, and filling stops where it would break it. Only when the document declares nothing
is a problem+json body sent. The violations always travel in a response header as well.
"""

from __future__ import annotations

import json
import random
from typing import Any

from contractkit.mock.document.model import MediaType, Operation, ResponseSpec
from contractkit.mock.document.schemas import CompiledSchema
from contractkit.mock.generation.generator import Generator, flatten_schema, generate_minimal
from contractkit.mock.generation.responder import wire_media_type
from contractkit.mock.negotiation.negotiator import (
    choose_media,
    find_example,
    has_example,
    response_for_status,
)
from contractkit.mock.types import MockResponse, Violation, mapping_at

VIOLATIONS_HEADER = "x-contractkit-violations"
_MESSAGE_NAMES = {
    "reason",
    "message",
    "msg",
    "detail",
    "error_description",
    "errormessage",
    "error_message",
    "error_msg",
    "errmsg",
    "description",
    "error",
    "title",
}
_STATUS_NAMES = {"status", "statuscode", "status_code", "code", "http_status"}
_FIELD_MAP_NAMES = {
    "fields",
    "errors",
    "field_errors",
    "fielderrors",
    "details",
    "violations",
    "invalid_params",
    "invalidparams",
    "validation_errors",
    "validationerrors",
    "params",
    "parameters",
    "issues",
}
_CODE_NAMES = {"code", "error_code", "errorcode"}
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
}
_ITEM_FIELD_NAMES = (
    "field",
    "name",
    "path",
    "param",
    "parameter",
    "pointer",
    "loc",
    "property",
    "key",
)
_ITEM_MESSAGE_NAMES = ("message", "msg", "detail", "reason", "description", "error")
_ITEM_LOCATION_NAMES = ("location", "in", "source")


def violations_header(violations: list[Violation], limit: int = 4000) -> str:
    """The violations as compact ASCII JSON for a response header."""
    items = [v.as_dict() for v in violations[:25]]
    text = json.dumps(items, separators=(",", ":"), ensure_ascii=True)
    while len(text) > limit and items:
        items.pop()
        text = json.dumps(items, separators=(",", ":"), ensure_ascii=True)
    return text


def field_key(violation: Violation) -> str:
    """How a violation is named in per-field maps (``body`` paths, parameter names)."""
    if violation.location == "body":
        return violation.name or "body"
    return violation.name or violation.location


def summary(violations: list[Violation]) -> str:
    """One sentence naming every violation."""
    parts = []
    for violation in violations[:10]:
        where = violation.location + (f" {violation.name}" if violation.name else "")
        parts.append(f"{where}: {violation.message}")
    return "Invalid request - " + "; ".join(parts) if parts else "Invalid request"


class _Filler:
    def __init__(
        self,
        compiled: CompiledSchema,
        violations: list[Violation],
        status: int,
        from_example: bool,
        message: str,
    ) -> None:
        self.compiled = compiled
        self.violations = violations
        self.message = message
        self.status = status
        self.from_example = from_example
        self.with_fields = any(v.location not in ("security", "request") for v in violations)

    def flat(self, node: Any) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        return flatten_schema(self.compiled, node)

    def types(self, schema: dict[str, Any]) -> set[str]:
        kind = schema.get("type")
        if isinstance(kind, str):
            return {kind}
        if isinstance(kind, list):
            return set(kind)
        if "properties" in schema or "additionalProperties" in schema:
            return {"object"}
        if "items" in schema:
            return {"array"}
        return set()

    def text(self, schema: dict[str, Any], text: str) -> str | None:
        if "enum" in schema or "const" in schema or "pattern" in schema or "format" in schema:
            return None
        maximum = schema.get("maxLength")
        return text[: int(maximum)] if isinstance(maximum, int) else text

    def fill(self, schema_node: Any, value: Any, depth: int = 0) -> Any:
        schema = self.flat(schema_node)
        if not isinstance(value, dict) or depth > 3:
            return value
        properties = mapping_at(schema, "properties")
        result = dict(value)
        for name, sub_node in properties.items():
            sub = self.flat(sub_node)
            kinds = self.types(sub)
            lowered = name.lower()
            if lowered in _MESSAGE_NAMES and "string" in kinds:
                text = self.text(sub, self.message)
                if text is not None:
                    result[name] = text
            elif lowered in _STATUS_NAMES and kinds & {"integer", "number"}:
                result[name] = self.status
            elif lowered in _CODE_NAMES and "string" in kinds and not self.from_example:
                text = self.text(sub, _CODES.get(self.status, "error"))
                if text is not None:
                    result[name] = text
            elif lowered in _FIELD_MAP_NAMES and "object" in kinds and self.with_fields:
                filled = self.field_map(sub)
                if filled is not None:
                    result[name] = filled
            elif lowered in _FIELD_MAP_NAMES and "array" in kinds and self.with_fields:
                filled_list = self.field_list(sub, depth)
                if filled_list is not None:
                    result[name] = filled_list
            elif "object" in kinds:
                inner = result.get(name)
                if isinstance(inner, dict):
                    result[name] = self.fill(sub_node, inner, depth + 1)
        return result

    def field_map(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        extra = schema.get("additionalProperties")
        if extra is False or schema.get("properties"):
            return None
        value_schema = self.flat(extra) if isinstance(extra, dict) else {}
        kinds = self.types(value_schema)
        grouped: dict[str, list[str]] = {}
        for violation in self.violations:
            grouped.setdefault(field_key(violation), []).append(violation.message)
        if "array" in kinds:
            return grouped
        if not kinds or "string" in kinds:
            return {key: "; ".join(messages) for key, messages in grouped.items()}
        return None

    def field_list(self, schema: dict[str, Any], depth: int) -> list[Any] | None:
        items = self.flat(schema.get("items"))
        kinds = self.types(items)
        if "string" in kinds:
            return [f"{field_key(v)}: {v.message}" for v in self.violations]
        if "object" not in kinds:
            return None
        properties = mapping_at(items, "properties")
        field_name = next((n for n in properties if n.lower() in _ITEM_FIELD_NAMES), None)
        message_name = next((n for n in properties if n.lower() in _ITEM_MESSAGE_NAMES), None)
        if message_name is None:
            return None
        location_name = next((n for n in properties if n.lower() in _ITEM_LOCATION_NAMES), None)
        template = Generator(self.compiled, random.Random(depth), minimal=True).generate(
            schema.get("items"), 0, ()
        )
        entries = []
        for violation in self.violations:
            entry = dict(template) if isinstance(template, dict) else {}
            entry[message_name] = violation.message
            if field_name is not None:
                entry[field_name] = field_key(violation)
            if location_name is not None and "string" in self.types(
                self.flat(properties[location_name])
            ):
                entry[location_name] = violation.location
            entries.append(entry)
        return entries


def _problem(status: int, title: str, detail: str, violations: list[Violation]) -> MockResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if violations:
        body["violations"] = [v.as_dict() for v in violations]
    headers = {"content-type": "application/problem+json"}
    if violations:
        headers[VIOLATIONS_HEADER] = violations_header(violations)
    return MockResponse(status, headers, json.dumps(body).encode())


def problem_response(
    status: int, title: str, detail: str, violations: list[Violation] | None = None
) -> MockResponse:
    """A problem+json answer (RFC 9457), for failures the document has no shape for."""
    return _problem(status, title, detail, violations or [])


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
}


def _declared(operation: Operation, status: int) -> tuple[int, ResponseSpec] | None:
    candidates = [status]
    if status == 422:
        candidates.append(400)
    elif status == 400:
        candidates.append(422)
    for candidate in candidates:
        response = operation.responses.get(str(candidate))
        if response is not None:
            return candidate, response
    response = response_for_status(operation, status)
    return (status, response) if response is not None else None


_PREFERRED_REFUSALS = (400, 422)
_SECURITY = (401, 403)


def documented_refusal(operation: Operation, status: int) -> int | None:
    """The status to refuse a request with, one the operation documents: ``status`` (or its
    twin, ``4XX``, ``default``); for credentials only 401/403; for anything else 400/422,
    then its lowest 4xx other than 401/403. ``None`` when it documents none of these (the
    mock then answers what it documents, and says so in headers)."""
    if _declared(operation, status) is not None:
        return status
    responses = operation.responses
    if status in _SECURITY:
        twin = 401 if status == 403 else 403
        return twin if str(twin) in responses else None
    candidates = [*_PREFERRED_REFUSALS]
    candidates += sorted(int(k) for k in responses if k.isdigit() and k.startswith("4"))
    for candidate in candidates:
        if str(candidate) in responses and candidate not in _SECURITY:
            return candidate
    return None


def error_response(
    operation: Operation,
    status: int,
    violations: list[Violation],
    accept: str | None,
    seed: int = 0,
    message: str | None = None,
) -> MockResponse:
    """The answer to a request the mock refuses, shaped as ``operation`` documents it."""
    declared = _declared(operation, status)
    if declared is None:
        return _problem(
            status, _TITLES.get(status, "Error"), message or summary(violations), violations
        )
    actual, response = declared
    headers: dict[str, str] = {}
    if violations:
        headers[VIOLATIONS_HEADER] = violations_header(violations)
    chosen = choose_media(response, accept)
    media = chosen if isinstance(chosen, MediaType) else next(iter(response.content.values()), None)
    if media is None:
        return MockResponse(actual, headers, b"", documented_as=response.key)
    headers["content-type"] = wire_media_type(media)
    example = find_example(media, None, operation.workspace)
    from_example = has_example(example)
    body: Any = example if from_example else None
    if media.schema is None:
        return MockResponse(actual, headers, json.dumps(body).encode(), documented_as=response.key)
    if not from_example:
        body, _ = generate_minimal(media.schema, random.Random(seed))
    problems = violations or [Violation("request", "", message or _TITLES.get(status, "Error"))]
    text = message or summary(violations)
    filled = _Filler(media.schema, problems, actual, from_example, text).fill(
        media.schema.schema, body
    )
    if media.schema.is_valid(filled):
        body = filled
    return MockResponse(actual, headers, json.dumps(body).encode(), documented_as=response.key)
