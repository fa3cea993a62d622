"""Rules about operations: ids, summaries, error responses and links."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from contractkit.lint_rules.context import ApiContext, OperationView
from contractkit.lint_rules.findings import Finding
from contractkit.openapi import HTTP_METHODS, SpecError, is_json_media_type, load_file
from contractkit.openapi.constants import PARAMETER_LOCATIONS
from contractkit.openapi.pointers import parse_pointer, split_ref

_CLIENT_ERROR_CODE = re.compile(r"^4(\d\d|XX)$", re.IGNORECASE)


def check_operation_ids(ctx: ApiContext) -> list[Finding]:
    """``operation-id``: every operation has one, unique across the API."""
    findings: list[Finding] = []
    first_use: dict[str, OperationView] = {}
    for view in ctx.operations():
        operation_id = view.operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id.strip():
            findings.append(_error(view, "operation-id", "the operation has no operationId"))
            continue
        earlier = first_use.setdefault(operation_id, view)
        if earlier is not view:
            findings.append(
                _error(
                    view,
                    "operation-id",
                    f"operationId {operation_id!r} is already used by {earlier.label} "
                    f"in {earlier.file}",
                )
            )
    return findings


def check_summaries(ctx: ApiContext) -> list[Finding]:
    """``summary``: every operation has a non-empty summary."""
    return [
        _error(view, "summary", "the operation has no summary")
        for view in ctx.operations()
        if not (
            isinstance(view.operation.get("summary"), str) and view.operation["summary"].strip()
        )
    ]


def check_error_responses(ctx: ApiContext) -> list[Finding]:
    """``error-response``: each operation has a 4xx response whose JSON body is ``Error``."""
    operations = list(ctx.operations())
    if not operations:
        return []
    error_refs = ctx.component_pointers_named("schemas", "Error")
    if not error_refs and not _any_file_defines_error(ctx):
        where = "#/definitions/Error" if ctx.swagger2 else "#/components/schemas/Error"
        # A document that does not follow the house conventions at all (a third party's):
        # the house rule is advice there, not an error.
        return [
            Finding(
                "warning",
                ctx.first_file,
                where,
                "error-response",
                "the API defines no schema named Error (expected in components, e.g. "
                "components.yaml#/components/schemas/Error) for its error responses; a house "
                "rule, reported as a warning for documents that do not use it",
            )
        ]
    shown = ", ".join(sorted(error_refs)) or "components.yaml#/components/schemas/Error"
    return [
        _error(
            view,
            "error-response",
            f"no 4xx response has a JSON body whose schema is the Error schema ({shown})",
        )
        for view in operations
        if not _has_error_response(ctx, view, error_refs)
    ]


def _any_file_defines_error(ctx: ApiContext) -> bool:
    for file in ctx.files:
        try:
            document = load_file(file)
        except SpecError:
            continue
        schemas = document.get("definitions") or (document.get("components") or {}).get("schemas")
        if isinstance(schemas, dict) and "Error" in schemas:
            return True
    return False


def _has_error_response(ctx: ApiContext, view: OperationView, error_refs: set[str]) -> bool:
    for code, response in view.spec.responses.items():
        if _CLIENT_ERROR_CODE.match(code) and any(
            isinstance(schema, dict) and schema.get("$ref") in error_refs
            for schema in _json_body_schemas(ctx, response.node)
        ):
            return True
    return False


def _json_body_schemas(ctx: ApiContext, response: dict[str, Any]) -> list[Any]:
    if ctx.swagger2:
        return [response.get("schema")]
    content = response.get("content")
    if not isinstance(content, dict):
        return []
    return [
        media.get("schema")
        for media_type, media in content.items()
        if is_json_media_type(media_type) and isinstance(media, dict)
    ]


def check_links(ctx: ApiContext) -> list[Finding]:
    """``links-valid``: links name existing operations and parameters those operations have."""
    findings: list[Finding] = []
    for view in ctx.operations():
        responses = view.operation.get("responses")
        if not isinstance(responses, dict):
            continue
        for code, raw_response in responses.items():
            response = ctx.resolve(raw_response)
            links = response.get("links") if isinstance(response, dict) else None
            if not isinstance(links, dict):
                continue
            for name, raw_link in links.items():
                pointer = (*view.pointer, "responses", str(code), "links", name)
                findings.extend(_check_link(ctx, view, name, ctx.resolve(raw_link), pointer))
    return findings


def _check_link(
    ctx: ApiContext,
    view: OperationView,
    name: str,
    link: Any,
    pointer: tuple[str, ...],
) -> list[Finding]:
    file, location = ctx.locate(pointer)

    def finding(message: str) -> Finding:
        return Finding("error", file, location, "links-valid", f"link {name!r}: {message}")

    if not isinstance(link, dict):
        return [finding("the link does not resolve to a Link object")]
    target, problem = _link_target(ctx, view, link)
    if target is None:
        return [finding(problem)]
    parameters = ctx.parameters_of(target)
    findings = []
    for key in link.get("parameters") or {}:
        place, dot, bare = key.partition(".")
        if not dot or place not in PARAMETER_LOCATIONS:
            place, bare = "", key
        if not any(
            parameter.get("name") == bare and (not place or parameter.get("in") == place)
            for parameter in parameters
        ):
            known = ", ".join(f"{p.get('in')}.{p.get('name')}" for p in parameters) or "none"
            findings.append(
                finding(f"parameter {key!r} is not a parameter of {target.label} (it has: {known})")
            )
    return findings


def _link_target(
    ctx: ApiContext, view: OperationView, link: dict[str, Any]
) -> tuple[OperationView | None, str]:
    operations = {(v.path, v.method): v for v in ctx.operations()}
    operation_id = link.get("operationId")
    if isinstance(operation_id, str):
        key = ctx.bundle.operation_ids.get(operation_id)
        if key is None or key not in operations:
            return None, f"operationId {operation_id!r} is not an operation of this API"
        return operations[key], ""
    reference = link.get("operationRef")
    if isinstance(reference, str):
        key = _operation_ref_key(ctx, view.file, reference)
        if key is None or key not in operations:
            return None, f"operationRef {reference!r} does not lead to an operation of this API"
        return operations[key], ""
    return None, "the link names neither an operationId nor an operationRef"


def _operation_ref_key(ctx: ApiContext, source: Path, reference: str) -> tuple[str, str] | None:
    try:
        if reference.startswith("#"):
            pointer = parse_pointer(reference[1:])
            file = None
        else:
            location = split_ref(reference, source.resolve())
            pointer, file = location.pointer, location.file
    except (SpecError, ValueError):
        return None
    if len(pointer) != 3 or pointer[0] != "paths" or pointer[2] not in HTTP_METHODS:
        return None
    key = (pointer[1], pointer[2])
    defined_in = ctx.bundle.sources.get(key)
    if file is not None and (defined_in is None or defined_in.resolve() != file):
        return None
    return key


def _error(view: OperationView, rule: str, message: str) -> Finding:
    return Finding("error", view.file, view.label, rule, message)
