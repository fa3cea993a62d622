"""JSON Schemas compiled once (jsonschema-rs) to check bodies fast; Python decides on failure.

Connexion builds a fresh Python ``jsonschema`` validator for every request and response. Here
each schema of the served documents is compiled once into a Rust validator that answers only
"valid or not"; a body it finds valid is valid, and only a body it refuses is checked again
by the Python validator, which names the offending fields and has the last word.

The compiled form keeps the meaning Connexion gives a schema: OpenAPI's ``nullable`` admits
``null`` where the ``type`` or ``enum`` it stands beside is checked; in responses a
``writeOnly`` property must be absent; formats are checked by the very checkers the Python
validator uses. So whatever the compiled form accepts, the Python validator accepts too.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator

Check = Callable[[Any], bool]

_compiled: dict[tuple[int, bool], tuple[object, Check | None]] = {}
_lock = threading.Lock()


def _format_checks() -> dict[str, Callable[[str], bool]]:
    checker = Draft4Validator.FORMAT_CHECKER
    return {name: functools.partial(_conforms, name) for name in checker.checkers}


def _conforms(name: str, value: str) -> bool:
    return Draft4Validator.FORMAT_CHECKER.conforms(value, name)


def openapi_to_json_schema(schema: Any, response: bool) -> Any:
    """``schema`` with OpenAPI 3.0's ``nullable`` (and, in responses, ``writeOnly``) spelled
    in plain JSON Schema draft 4."""
    if isinstance(schema, list):
        return [openapi_to_json_schema(item, response) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if response and ("writeOnly" in schema or "x-writeOnly" in schema):
        return {"not": {}}
    converted = {key: openapi_to_json_schema(value, response) for key, value in schema.items()}
    if schema.get("nullable") is True or schema.get("x-nullable") is True:
        kind = converted.get("type")
        if isinstance(kind, str):
            converted["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            converted["type"] = [*kind, "null"]
        if isinstance(converted.get("enum"), list) and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
    return converted


def _compile(schema: dict[str, Any], response: bool) -> Check | None:
    # Connexion attaches the document's components to each schema for $ref resolution; its
    # schemas have their references resolved already, so the compiled form needs none.
    schema = {key: value for key, value in schema.items() if key != "components"}
    try:
        validator = jsonschema_rs.Draft4Validator(
            openapi_to_json_schema(schema, response),
            validate_formats=True,
            ignore_unknown_formats=True,
            formats=_format_checks(),
        )
    except (ValueError, TypeError, jsonschema_rs.ValidationError):
        return None  # a schema the compiler refuses is checked by the Python validator alone
    return validator.is_valid


def fast_check(schema: Any, *, response: bool) -> Check | None:
    """The compiled check of ``schema`` (a served document's schema, kept alive by the app),
    or None when it could not be compiled."""
    key = (id(schema), response)
    entry = _compiled.get(key)
    if entry is None or entry[0] is not schema:
        with _lock:
            entry = (schema, _compile(schema, response))
            _compiled[key] = entry
    return entry[1]


def surely_valid(schema: Any, instance: Any, *, response: bool) -> bool:
    """True when the compiled check accepts ``instance``; False means "ask the Python one"."""
    check = fast_check(schema, response=response) if isinstance(schema, dict) else None
    if check is None:
        return False
    try:
        return check(instance)
    except (ValueError, TypeError, OverflowError):
        return False
