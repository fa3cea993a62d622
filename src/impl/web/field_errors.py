"""JSON Schema errors of a request body, as the invalid fields and one message for each.

A body that matches no branch of a ``oneOf``/``anyOf`` is reported with the errors of the
closest branch (the one it fails least, a branch whose ``enum``/``const`` values the body's
own fields already contradict counting as farther), so that the offending field is named,
not the body as a whole.
"""

from __future__ import annotations

import typing as t

from jsonschema import ValidationError
from jsonschema.exceptions import best_match

BODY_FIELD = "body"


def _field_name(error: ValidationError) -> str:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(part for part in path if part) or BODY_FIELD


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        return "This field is required"
    if error.validator == "additionalProperties":
        return error.message
    return error.message


BRANCHING = ("oneOf", "anyOf")


def _distance(errors: list[ValidationError]) -> tuple[int, int]:
    """How far a body is from a branch: contradicted fixed values first, then error count."""
    contradicted = sum(1 for error in errors if error.validator in ("enum", "const"))
    return contradicted, len(errors)


def _closest_branch_errors(error: ValidationError) -> t.Iterator[ValidationError]:
    """The error itself, or, for a failed ``oneOf``/``anyOf``, its closest branch's errors."""
    if error.validator not in BRANCHING or not error.context:
        yield error
        return
    branches: dict[t.Any, list[ValidationError]] = {}
    for sub in error.context:
        branch = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        branches.setdefault(branch, []).append(sub)
    closest = min(branches.values(), key=_distance)
    for sub in closest:
        yield from _closest_branch_errors(sub)


def collect_field_errors(errors: t.Iterable[ValidationError]) -> dict[str, str]:
    """Map each failing field (dotted path) to the most relevant message about it."""
    grouped: dict[str, list[ValidationError]] = {}
    for error in (leaf for top in errors for leaf in _closest_branch_errors(top)):
        grouped.setdefault(_field_name(error), []).append(error)
    return {name: _message(best_match(group)) for name, group in sorted(grouped.items())}
