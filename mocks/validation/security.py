"""Checking the credentials an operation's security requires: presence, form and (optionally) value.

By default, like Prism, a credential only has to be present and well-formed (``Basic`` is
base64 ``user:password``): any value passes, and any bearer token is accepted, whatever the
scheme's ``bearerFormat``. A strict policy (``--strict-auth``) also checks that a
``bearerFormat: JWT`` token has the three parts of a JWT. Once valid
credentials are declared (``--auth SCHEME=VALUE``, or ``x-mock: {credentials: [...]}`` on a
security scheme), the mock authenticates: a credential that is not declared is refused with
401 (also when another accepted credential comes with it, as a real server would), and a
value declared as forbidden (``--forbidden-auth``, ``x-mock: {forbidden: [...]}``) gets 403.
Security is checked before anything else about the request, so 401/403 come before 400/404.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contractkit.mock.types import MockRequest, Violation
from contractkit.openapi.workspace import Located

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}\Z")
ANY_SCHEME = "*"
_UNCHECKED = ("", "")
"""Location of credentials the mock cannot see (mutual TLS, unknown kinds): always met."""

VALID = "valid"
FORBIDDEN = "forbidden"
INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Credential:
    """What a request carries for one security scheme."""

    location: tuple[str, str]
    """Where it is read: ``("header", "authorization")``, ``("cookie", name)``, ``("query", n)``."""
    present: bool
    value: str | None = None
    """The credential (key, token, ``user:password``) when present and well-formed."""
    problem: str | None = None
    """Why it is missing or malformed."""


def _authorization(request: MockRequest, scheme: str) -> Credential:
    location = ("header", "authorization")
    header = request.headers.get("authorization")
    if header is None:
        return Credential(location, False, problem="Authorization header is missing")
    given, _, credentials = header.strip().partition(" ")
    if given.lower() != scheme.lower():
        return Credential(
            location, True, problem=f"Authorization header must use the {scheme} scheme"
        )
    if not credentials.strip():
        return Credential(
            location, True, problem=f"Authorization header has no {scheme} credentials"
        )
    return Credential(location, True, value=credentials.strip())


def _basic(request: MockRequest) -> Credential:
    found = _authorization(request, "Basic")
    if found.value is None:
        return found
    try:
        decoded = base64.b64decode(found.value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return Credential(found.location, True, problem="Basic credentials are not base64")
    if ":" not in decoded:
        return Credential(found.location, True, problem="Basic credentials must be user:password")
    return Credential(found.location, True, value=decoded)


def _bearer(request: MockRequest, bearer_format: str, strict: bool) -> Credential:
    found = _authorization(request, "Bearer")
    if found.value is None or not strict or bearer_format.upper() != "JWT":
        return found
    parts = found.value.split(".")
    if len(parts) != 3 or not all(_BASE64URL.match(p) for p in parts[:2]):
        return Credential(
            found.location, True, problem="Bearer token is not a JWT (header.payload.signature)"
        )
    return found


def _api_key(request: MockRequest, scheme: dict[str, Any]) -> Credential:
    name = str(scheme.get("name", ""))
    where = str(scheme.get("in", ""))
    value: str | None
    if where == "header":
        value = request.headers.get(name.lower())
    elif where == "query":
        value = next((v for k, v in request.query if k == name), None)
    elif where == "cookie":
        value = request.cookies.get(name)
    else:
        return Credential(_UNCHECKED, False, value="")
    location = (where, name.lower() if where == "header" else name)
    if value is None:
        return Credential(location, False, problem=f"API key {name!r} is missing from the {where}")
    return Credential(location, True, value=value)


def read_credential(
    request: MockRequest, scheme: dict[str, Any], strict: bool = False
) -> Credential:
    """The credential ``request`` carries for ``scheme``, checked for presence and form
    (``strict``: a ``bearerFormat: JWT`` token must look like a JWT)."""
    kind = scheme.get("type")
    if kind == "apiKey":
        return _api_key(request, scheme)
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        if http_scheme == "basic":
            return _basic(request)
        if http_scheme == "bearer":
            return _bearer(request, str(scheme.get("bearerFormat", "")), strict)
        return _authorization(request, http_scheme or "Bearer")
    if kind in ("oauth2", "openIdConnect"):
        return _bearer(request, "", strict)
    return Credential(_UNCHECKED, False, value="")


def _declared(scheme: dict[str, Any], key: str) -> frozenset[str]:
    settings = scheme.get("x-mock")
    values = settings.get(key) if isinstance(settings, dict) else None
    if isinstance(values, (str, int)):
        values = [values]
    return frozenset(str(v) for v in values) if isinstance(values, list) else frozenset()


def _basic_forms(value: str) -> set[str]:
    """``user:password`` and its base64 form, so either may be declared."""
    return {value, base64.b64encode(value.encode()).decode()}


@dataclass(frozen=True)
class CredentialPolicy:
    """Which credential values the mock accepts, per security scheme name (``*``: every one)."""

    valid: Mapping[str, frozenset[str]] = field(default_factory=dict)
    forbidden: Mapping[str, frozenset[str]] = field(default_factory=dict)
    strict: bool = False
    """Check the form of bearer tokens (``bearerFormat: JWT``), not only their presence."""

    @classmethod
    def from_pairs(
        cls,
        valid: Iterable[tuple[str, str]] = (),
        forbidden: Iterable[tuple[str, str]] = (),
        strict: bool = False,
    ) -> CredentialPolicy:
        """A policy from ``(scheme name, value)`` pairs."""

        def grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
            found: dict[str, set[str]] = {}
            for name, value in pairs:
                found.setdefault(name, set()).add(value)
            return {name: frozenset(values) for name, values in found.items()}

        return cls(grouped(valid), grouped(forbidden), strict)

    @property
    def declared(self) -> bool:
        """Whether credentials were declared by option (then every scheme authenticates)."""
        return bool(self.valid or self.forbidden)

    def scheme_names(self) -> set[str]:
        """The scheme names the declarations mention (``*`` left out)."""
        return {name for name in (*self.valid, *self.forbidden) if name != ANY_SCHEME}

    def authenticates(self, scheme: dict[str, Any]) -> bool:
        """Whether values are checked for ``scheme`` (not only presence and form)."""
        return self.declared or bool(
            _declared(scheme, "credentials") or _declared(scheme, "forbidden")
        )

    def judge(self, name: str, scheme: dict[str, Any], value: str) -> str:
        """``valid``, ``forbidden`` or ``invalid`` for a well-formed credential of ``scheme``."""
        if not self.authenticates(scheme):
            return VALID
        forms = _basic_forms(value) if _is_basic(scheme) else {value}
        valid = (
            self.valid.get(name, frozenset())
            | self.valid.get(ANY_SCHEME, frozenset())
            | _declared(scheme, "credentials")
        )
        if forms & valid:
            return VALID
        forbidden = (
            self.forbidden.get(name, frozenset())
            | self.forbidden.get(ANY_SCHEME, frozenset())
            | _declared(scheme, "forbidden")
        )
        return FORBIDDEN if forms & forbidden else INVALID


def _is_basic(scheme: dict[str, Any]) -> bool:
    return scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic"


def challenge(scheme: dict[str, Any]) -> str | None:
    """The ``WWW-Authenticate`` challenge that names a scheme, when it has one."""
    if scheme.get("type") == "http":
        name = str(scheme.get("scheme", "Bearer"))
        return f'{name.capitalize()} realm="mock"'
    if scheme.get("type") in ("oauth2", "openIdConnect"):
        return 'Bearer realm="mock"'
    return None


@dataclass(slots=True)
class SecurityOutcome:
    """0 (let through), 401 or 403, with the violations and the challenges of a 401."""

    status: int = 0
    violations: list[Violation] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Reading:
    name: str
    scheme: dict[str, Any]
    credential: Credential
    verdict: str | None
    """``valid``/``forbidden``/``invalid`` for a well-formed credential, else ``None``."""


def _readings(
    request: MockRequest, alternatives: list[dict[str, Located | None]], policy: CredentialPolicy
) -> dict[str, _Reading | None]:
    readings: dict[str, _Reading | None] = {}
    for alternative in alternatives:
        for name, located in alternative.items():
            if name in readings:
                continue
            scheme = _scheme(located)
            if scheme is None:
                readings[name] = None
                continue
            credential = read_credential(request, scheme, policy.strict)
            verdict = None
            if credential.location == _UNCHECKED:
                verdict = VALID
            elif credential.value is not None:
                verdict = policy.judge(name, scheme, credential.value)
            readings[name] = _Reading(name, scheme, credential, verdict)
    return readings


def _refused_presentations(
    readings: list[_Reading], policy: CredentialPolicy
) -> tuple[list[_Reading], bool]:
    """Credentials presented to authenticating schemes that no scheme at their place accepts,
    and whether one of them is a forbidden one."""
    by_location: dict[tuple[str, str], list[_Reading]] = {}
    for reading in readings:
        if reading.credential.present:
            by_location.setdefault(reading.credential.location, []).append(reading)
    refused: list[_Reading] = []
    forbidden = False
    for entries in by_location.values():
        if not any(policy.authenticates(r.scheme) for r in entries):
            continue
        if any(r.verdict == VALID for r in entries):
            continue
        if any(r.verdict == FORBIDDEN for r in entries):
            forbidden = True
        else:
            refused.extend(entries)
    return refused, forbidden


def check_security(
    request: MockRequest,
    alternatives: list[dict[str, Located | None]],
    policy: CredentialPolicy | None = None,
) -> SecurityOutcome:
    """Whether ``request`` meets one of the security ``alternatives`` (``{}`` = anonymous)."""
    if not alternatives or any(not alternative for alternative in alternatives):
        return SecurityOutcome()
    policy = policy or CredentialPolicy()
    if (
        not policy.declared
        and _presence_only(alternatives)
        and _first_met(request, alternatives, policy.strict)
    ):
        return SecurityOutcome()
    readings = _readings(request, alternatives, policy)
    known = [r for r in readings.values() if r is not None]
    refused, forbidden = _refused_presentations(known, policy)
    if refused:
        return _refusal(401, refused, "credentials are not valid")
    for alternative in alternatives:
        if all(_met(readings[name]) for name in alternative):
            return SecurityOutcome()
    if forbidden:
        lacking = [r for r in known if r.verdict == FORBIDDEN]
        return _refusal(403, lacking, "credentials do not grant access to this operation")
    missing = [
        reading
        for alternative in alternatives
        for name in alternative
        if (reading := readings[name]) is not None and reading.verdict != VALID
    ]
    return _refusal(401, missing, "credentials are not valid")


def _scheme(located: Located | None) -> dict[str, Any] | None:
    return located.node if located is not None and isinstance(located.node, dict) else None


def _presence_only(alternatives: list[dict[str, Located | None]]) -> bool:
    """Whether no scheme of the alternatives declares its own credentials (``x-mock``)."""
    return not any(
        "x-mock" in scheme
        for alternative in alternatives
        for located in alternative.values()
        if (scheme := _scheme(located)) is not None
    )


def _first_met(
    request: MockRequest, alternatives: list[dict[str, Located | None]], strict: bool
) -> bool:
    """Whether one alternative is met by presence and form (the fast path of Prism's rules)."""
    for alternative in alternatives:
        for located in alternative.values():
            scheme = _scheme(located)
            if scheme is not None and read_credential(request, scheme, strict).value is None:
                break
        else:
            return True
    return False


def _met(reading: _Reading | None) -> bool:
    """Unknown schemes (``None``) cannot be checked, so they count as met."""
    return reading is None or reading.verdict == VALID


def _refusal(status: int, readings: list[_Reading], message: str) -> SecurityOutcome:
    outcome = SecurityOutcome(status)
    seen: set[str] = set()
    for reading in readings:
        if reading.name in seen:
            continue
        seen.add(reading.name)
        text = reading.credential.problem or message
        outcome.violations.append(Violation("security", reading.name, text))
        hint = challenge(reading.scheme) if status == 401 else None
        if hint and hint not in outcome.challenges:
            outcome.challenges.append(hint)
    return outcome
