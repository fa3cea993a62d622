"""User attributes checked against the tenant's User Schema.

A field's ``input-type`` decides the value's type: ``number``, ``slider`` and ``range`` take
numbers (within ``range-start``..``range-end``, on the ``range-step`` grid from the start),
``checkbox`` takes booleans, every other type takes strings (matching the whole of
``validation-expression`` when set, and one of the comma-separated ``select-options`` when
set to something other than ``null``). A field marked ``required`` must be present. Once the
tenant has a User Schema (at least one field), attributes that are not fields of it are
refused; a tenant without one takes any attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

NUMBER_TYPES = {"number", "slider", "range"}
BOOLEAN_TYPES = {"checkbox"}
NO_OPTIONS = {"", "null"}
STEP_TOLERANCE = 1e-9


class AttributesRejected(ValueError):
    """Attributes that break the User Schema; ``problems`` maps each slug to its problem."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The attributes do not fit the tenant's User Schema")
        self.problems = problems


class InvalidField(ValueError):
    """A field definition that cannot constrain anything (bad pattern, empty range)."""


def check_field_definition(definition: Mapping[str, Any]) -> None:
    pattern = definition.get("validation-expression")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidField(f"validation-expression is not a regular expression: {exc}") from exc
    start, end = definition.get("range-start"), definition.get("range-end")
    if start is not None and end is not None and start > end:
        raise InvalidField("range-start is greater than range-end")


def _options(definition: Mapping[str, Any]) -> list[str] | None:
    raw = definition.get("select-options")
    if raw is None or raw.strip() in NO_OPTIONS:
        return None
    return [option.strip() for option in raw.split(",") if option.strip()]


def _number_problem(value: Any, definition: Mapping[str, Any]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    start, end = definition.get("range-start"), definition.get("range-end")
    if start is not None and value < start:
        return f"must be at least {start}"
    if end is not None and value > end:
        return f"must be at most {end}"
    step = definition.get("range-step")
    if step:
        steps = (value - (start or 0)) / step
        if not math.isclose(steps, round(steps), abs_tol=STEP_TOLERANCE):
            return f"must be a multiple of {step} from {start or 0}"
    return None


def _text_problem(value: Any, definition: Mapping[str, Any]) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    pattern = definition.get("validation-expression")
    if pattern and re.fullmatch(pattern, value) is None:
        return f"must match {pattern!r}"
    options = _options(definition)
    if options is not None and value not in options:
        return f"must be one of {', '.join(options)}"
    return None


def value_problem(value: Any, definition: Mapping[str, Any]) -> str | None:
    input_type = str(definition.get("input-type") or "text").lower()
    if input_type in NUMBER_TYPES:
        return _number_problem(value, definition)
    if input_type in BOOLEAN_TYPES:
        return None if isinstance(value, bool) else "must be true or false"
    return _text_problem(value, definition)


def check_attributes(
    attributes: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]
) -> None:
    """Raise :class:`AttributesRejected` unless ``attributes`` fit ``fields`` (by slug)."""
    problems: dict[str, str] = {}
    for slug, value in attributes.items():
        definition = fields.get(slug)
        if definition is None:
            if fields:
                problems[slug] = "is not a field of the User Schema"
            continue
        problem = value_problem(value, definition)
        if problem:
            problems[slug] = problem
    for slug, definition in fields.items():
        if definition.get("required") and slug not in attributes:
            problems[slug] = "is required by the User Schema"
    if problems:
        raise AttributesRejected(dict(sorted(problems.items())))
