"""Request validation: credentials, parameters, content type and body.

Nothing here raises for a bad request: every problem becomes a :class:`Violation`, and the
result says which status class it calls for (401/403 credentials, 415 content type, 400
malformed input or parameters, 422 a body that parses but breaks its schema).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contractkit.mock.document.model import Operation
from contractkit.mock.types import MockRequest, Violation
from contractkit.mock.validation.bodies import BodyError, find_media, is_json_media, parse_body
from contractkit.mock.validation.params import MISSING, read_parameter
from contractkit.mock.validation.security import CredentialPolicy, check_security

_SCHEMA_CHECKED = ("application/x-www-form-urlencoded", "text/plain")
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}


@dataclass(slots=True)
class ValidationResult:
    """What validation found, plus the request's data as read for the later stages."""

    violations: list[Violation] = field(default_factory=list)
    status: int = 0
    """0 when valid, else 401, 403, 415, 400 or 422."""
    challenges: list[str] = field(default_factory=list)
    body: Any = None
    has_body: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    """Values read from path/query/header/cookie, by name."""

    @property
    def valid(self) -> bool:
        """Whether the request meets its contract."""
        return not self.violations


def _check_parameters(
    operation: Operation,
    request: MockRequest,
    path_params: dict[str, str],
    result: ValidationResult,
) -> None:
    for parameter in operation.parameters:
        if parameter.location == "header" and parameter.name.lower() in _IGNORED_HEADERS:
            continue
        value = read_parameter(parameter, request, path_params)
        if value is MISSING:
            if parameter.required:
                result.violations.append(
                    Violation(parameter.location, parameter.name, "is required but missing")
                )
            continue
        result.parameters[parameter.name] = value
        if parameter.schema is None or parameter.schema.is_valid(value):
            continue
        for path, message in parameter.schema.errors(value, limit=5):
            name = f"{parameter.name}.{path}" if path else parameter.name
            result.violations.append(Violation(parameter.location, name, message))


def _check_body(operation: Operation, request: MockRequest, result: ValidationResult) -> bool:
    """Returns whether the body parsed but broke its schema."""
    declared = operation.request_body
    if declared is None:
        return False
    required, content = declared
    if not request.body:
        if required:
            result.violations.append(Violation("body", "", "a request body is required"))
        return False
    actual = request.content_type
    media = find_media(content, actual) if actual else None
    if media is None and not actual and len(content) == 1:
        media = next(iter(content.values()))
    if media is None:
        accepted = ", ".join(m.name for m in content.values()) or "none"
        given = actual or "no Content-Type"
        result.violations.append(
            Violation("content-type", "", f"{given} is not accepted; use one of: {accepted}")
        )
        result.status = 415
        return False
    try:
        value = parse_body(media, request.body, request.headers.get("content-type", media.name))
    except BodyError as exc:
        result.violations.append(Violation("body", "", str(exc)))
        return False
    result.body = value
    result.has_body = True
    checked = (
        is_json_media(actual or media.name)
        or actual.startswith("multipart/")
        or actual in _SCHEMA_CHECKED
    )
    if media.schema is None or not checked:
        return False
    if media.schema.is_valid(value):
        return False
    errors = media.schema.errors(value)
    for path, message in errors:
        result.violations.append(Violation("body", path, message))
    return bool(errors)


def validate_request(
    operation: Operation,
    request: MockRequest,
    path_params: dict[str, str],
    credentials: CredentialPolicy | None = None,
    check_credentials: bool = True,
) -> ValidationResult:
    """Check one request against its operation (credentials first, as ``credentials`` says;
    not at all without ``check_credentials``)."""
    result = ValidationResult()
    if check_credentials:
        security = check_security(request, operation.security, credentials)
        if security.status:
            result.violations = security.violations
            result.challenges = security.challenges
            result.status = security.status
            return result
    _check_parameters(operation, request, path_params, result)
    before = len(result.violations)
    schema_only = _check_body(operation, request, result)
    if result.violations and not result.status:
        body_schema_only = schema_only and before == 0
        result.status = 422 if body_schema_only else 400
    return result
