"""``spec-valid``: each document passes openapi-spec-validator, refs resolved from its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema.exceptions import ValidationError, best_match
from openapi_spec_validator.shortcuts import get_validator_cls
from openapi_spec_validator.validation.exceptions import ValidatorDetectError

from contractkit.lint_rules.findings import Finding
from contractkit.openapi import SpecError, load_file
from contractkit.openapi.pointers import escape_token

RULE = "spec-valid"
_MAX_DEPTH = 20
_MAX_MESSAGE = 400


def _load_file_uri(uri: str) -> Any:
    return load_file(Path(unquote(urlsplit(uri).path)))


def _refuse_remote(uri: str) -> Any:
    raise SpecError(f"remote $ref {uri!r} is not supported; use a local file")


_HANDLERS = {"file": _load_file_uri, "http": _refuse_remote, "https": _refuse_remote}
_cached_classes: dict[type, type] = {}


def _with_local_handlers(validator_class: type) -> type:
    """The validator class, reading referenced files through the document cache."""
    if validator_class not in _cached_classes:
        _cached_classes[validator_class] = type(
            f"Local{validator_class.__name__}",
            (validator_class,),
            {"resolver_handlers": _HANDLERS},
        )
    return _cached_classes[validator_class]


def check_document(path: Path) -> list[Finding]:
    """Validate one document (OpenAPI 3.0, 3.1 or Swagger 2.0) with its file URI as base."""
    try:
        document = load_file(path)
    except SpecError as exc:
        location = f"line {exc.line}" if exc.line else "#"
        return [Finding("error", path, location, RULE, exc.message)]
    try:
        validator_class = get_validator_cls(document)
    except (ValidatorDetectError, KeyError):
        return [
            Finding(
                "error",
                path,
                "#",
                RULE,
                "not a supported OpenAPI document: 'openapi: 3.0.x|3.1.x' or 'swagger: \"2.0\"' "
                "is missing or unknown",
            )
        ]
    validator = _with_local_handlers(validator_class)(document, base_uri=path.resolve().as_uri())
    reported: list[tuple[list[Any], str]] = []
    problem: Finding | None = None
    try:
        for error in validator.iter_errors():
            _collect(document, error, reported)
    except SpecError as exc:
        problem = Finding("error", path, "#", RULE, f"cannot resolve a $ref: {exc}")
    except Exception as exc:  # the validator wraps resolution failures in several types
        problem = Finding("error", path, "#", RULE, f"cannot validate: {type(exc).__name__}: {exc}")
    findings = [
        Finding("error", path, _pointer(location), RULE, message) for location, message in reported
    ]
    return [*findings, problem] if problem else findings


def _collect(document: Any, error: ValidationError, reported: list[tuple[list[Any], str]]) -> None:
    """Add one validator error, as specific as it can be made.

    Errors of the validator's keyword checks carry paths relative to the object
    they checked; such an error refines the error just before it.
    """
    for _ in range(_MAX_DEPTH):
        deeper = best_match(error.context) if error.context else None
        if deeper is None:
            break
        error = deeper
    location = list(error.absolute_path)
    message = error.message.split("\n\n", 1)[0]
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    if reported and not _exists(document, location):
        previous = reported[-1][0]
        if _exists(document, previous + location):
            reported[-1] = (previous + location, message)
            return
    if (location, message) not in reported:
        reported.append((location, message))


def _exists(document: Any, path: list[Any]) -> bool:
    node = document
    for part in path:
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_mapping or in_list):
            return False
        node = node[part]
    return True


def _pointer(path: list[Any]) -> str:
    return "#" + "".join("/" + escape_token(str(part)) for part in path)
