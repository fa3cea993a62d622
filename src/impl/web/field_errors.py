"""JSON Schema errors of a request body, as the invalid fields and one message for each."""

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


def collect_field_errors(errors: t.Iterable[ValidationError]) -> dict[str, str]:
    """Map each failing field (dotted path) to the most relevant message about it."""
    grouped: dict[str, list[ValidationError]] = {}
    for error in errors:
        grouped.setdefault(_field_name(error), []).append(error)
    return {name: _message(best_match(group)) for name, group in sorted(grouped.items())}
