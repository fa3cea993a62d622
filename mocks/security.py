"""Checking that a request carries the credentials its operation requires (presence and form)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from mocks.documents import Located
from mocks.types import MockRequest, Violation

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}\Z")


def _authorization(request: MockRequest, scheme: str) -> tuple[str | None, str | None]:
    """(credentials, problem) from ``Authorization: <scheme> <credentials>``."""
    header = request.headers.get("authorization")
    if header is None:
        return None, "Authorization header is missing"
    given, _, credentials = header.strip().partition(" ")
    if given.lower() != scheme.lower():
        return None, f"Authorization header must use the {scheme} scheme"
    if not credentials.strip():
        return None, f"Authorization header has no {scheme} credentials"
    return credentials.strip(), None


def _check_basic(request: MockRequest) -> str | None:
    credentials, problem = _authorization(request, "Basic")
    if problem or credentials is None:
        return problem
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "Basic credentials are not base64"
    return None if ":" in decoded else "Basic credentials must be user:password"


def _check_bearer(request: MockRequest, bearer_format: str) -> str | None:
    token, problem = _authorization(request, "Bearer")
    if problem or token is None:
        return problem
    if bearer_format.upper() == "JWT":
        parts = token.split(".")
        if len(parts) != 3 or not all(_BASE64URL.match(p) for p in parts[:2]):
            return "Bearer token is not a JWT (header.payload.signature)"
    return None


def _check_scheme(request: MockRequest, scheme: dict[str, Any]) -> str | None:
    kind = scheme.get("type")
    if kind == "apiKey":
        name = str(scheme.get("name", ""))
        where = scheme.get("in")
        if where == "header":
            present = name.lower() in request.headers
        elif where == "query":
            present = any(key == name for key, _ in request.query)
        elif where == "cookie":
            present = name in request.cookies
        else:
            present = True
        return None if present else f"API key {name!r} is missing from the {where}"
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        if http_scheme == "basic":
            return _check_basic(request)
        if http_scheme == "bearer":
            return _check_bearer(request, str(scheme.get("bearerFormat", "")))
        _, problem = _authorization(request, http_scheme or "Bearer")
        return problem
    if kind in ("oauth2", "openIdConnect"):
        return _check_bearer(request, "")
    return None


def challenge(scheme: dict[str, Any]) -> str | None:
    """The ``WWW-Authenticate`` challenge that names a scheme, when it has one."""
    if scheme.get("type") == "http":
        name = str(scheme.get("scheme", "Bearer"))
        return f'{name.capitalize()} realm="mock"'
    if scheme.get("type") in ("oauth2", "openIdConnect"):
        return 'Bearer realm="mock"'
    return None


def check_security(
    request: MockRequest, alternatives: list[dict[str, Located | None]]
) -> tuple[list[Violation], list[str]]:
    """Violations (empty when one alternative is fully met) and challenges for a 401."""
    if not alternatives or any(not alternative for alternative in alternatives):
        return [], []
    violations: list[Violation] = []
    challenges: list[str] = []
    for alternative in alternatives:
        problems: list[Violation] = []
        for name, located in alternative.items():
            scheme = (
                located.node if located is not None and isinstance(located.node, dict) else None
            )
            if scheme is None:
                continue
            problem = _check_scheme(request, scheme)
            if problem:
                problems.append(Violation("security", name, problem))
                text = challenge(scheme)
                if text and text not in challenges:
                    challenges.append(text)
        if not problems:
            return [], []
        violations.extend(problems)
    return violations, challenges
