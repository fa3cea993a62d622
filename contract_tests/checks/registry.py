"""Our checks, in one registry beside Schemathesis' own: name, one-line description, function.

A check function takes the `FamilyWalk` of one family and reports through it. A function may
prove several named checks (e.g. an update and the reads that follow it): it is registered under
each name, runs once when any of them is enabled, and findings of a disabled name are dropped.
Functions run by stage, the order of a family's life (create, read, list, update,
authorization, delete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contractkit.contract.checks.walk import FamilyWalk

CheckFunction = Callable[["FamilyWalk"], None]


@dataclass(frozen=True)
class Check:
    """One named check: what it proves, where it comes from and the function that runs it."""

    name: str
    description: str
    origin: str
    function: Callable[..., Any] | None
    stage: int = 0


_OURS: dict[str, Check] = {}


def check(stage: int, *named: tuple[str, str]) -> Callable[[CheckFunction], CheckFunction]:
    """Register a function, run at `stage`, under one or more (name, description) pairs."""

    def register(function: CheckFunction) -> CheckFunction:
        for name, description in named:
            if name in _OURS:
                raise ValueError(f"check {name!r} registered twice")
            _OURS[name] = Check(name, description, "contractkit", function, stage)
        return function

    return register


def our_checks() -> list[Check]:
    """Every check of ours, in the order they run."""
    _load()
    return sorted(_OURS.values(), key=lambda entry: entry.stage)


def our_check_names() -> set[str]:
    return {entry.name for entry in our_checks()}


def enabled_functions(excluded: Iterable[str]) -> list[CheckFunction]:
    """The distinct functions with at least one enabled name, in registry order."""
    skip = set(excluded)
    functions: list[CheckFunction] = []
    for entry in our_checks():
        if entry.name not in skip and entry.function not in functions:
            functions.append(entry.function)  # type: ignore[arg-type]
    return functions


# Schemathesis' checks carry no docstring of their own; one line each, in our words.
_SCHEMATHESIS_DESCRIPTIONS = {
    "not_a_server_error": "no response is a 5xx server error",
    "status_code_conformance": "every status code is documented for the operation",
    "content_type_conformance": "the Content-Type of a response is documented",
    "response_headers_conformance": "documented response headers are present and valid",
    "response_schema_conformance": "response bodies match their documented schema",
    "negative_data_rejection": "requests that break the schema are rejected (4xx)",
    "positive_data_acceptance": "requests that match the schema are accepted",
    "missing_required_header": "a request without a required header is rejected",
    "unsupported_method": "an undocumented method on a path answers 405",
    "allow_header_conformance": "a 405 answer lists the allowed methods in `Allow`",
    "use_after_free": "a deleted resource is no longer reachable (stateful)",
    "ensure_resource_availability": "a created resource is reachable right after (stateful)",
    "ignored_auth": "operations that require authentication refuse requests without it",
    "object_level_authorization": "one identity cannot read what another created (stateful)",
}


def schemathesis_checks() -> list[Check]:
    """Every check Schemathesis has registered, with a one-line description."""
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
    from schemathesis.checks import CHECKS

    found = []
    for function in CHECKS.get_all():
        name = function.__name__
        doc = (function.__doc__ or "").strip().splitlines()
        description = _SCHEMATHESIS_DESCRIPTIONS.get(name) or (doc[0] if doc else "")
        found.append(Check(name, description, "schemathesis", function))
    return found


def all_checks() -> list[Check]:
    """Ours, then Schemathesis'."""
    return [*our_checks(), *schemathesis_checks()]


def _load() -> None:
    """Import the modules whose functions register themselves, in the order checks run."""
    from contractkit.contract.checks import (  # noqa: F401
        authz,
        collection,
        concurrency,
        crud,
    )
