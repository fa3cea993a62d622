"""``contractkit lint``: check OpenAPI documents against the project's conventions.

A folder argument is one API: every OpenAPI document in it is validated, and
its module documents are bundled so that the cross-module rules (unique
operationIds, links) see the whole API. A file argument is linted alone, with
its own refs resolved.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from contractkit.lint_rules import (
    ApiContext,
    Finding,
    Severity,
    check_document,
    check_error_responses,
    check_examples,
    check_links,
    check_mock_examples,
    check_operation_ids,
    check_summaries,
)
from contractkit.lint_rules.additions import additions, render_additions
from contractkit.openapi import SpecError, bundle, is_openapi_document, load_file
from contractkit.openapi.loader import has_operations, spec_files_in

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "RULES",
    "Finding",
    "Severity",
    "configure_parser",
    "lint",
    "render_json",
    "render_text",
    "run",
]

ApiRule = Callable[[ApiContext], list[Finding]]

RULES: dict[str, str] = {
    "spec-valid": "each document passes openapi-spec-validator (3.0, 3.1, Swagger 2.0)",
    "operation-id": "every operation has an operationId, unique across the API",
    "summary": "every operation has a non-empty summary",
    "error-response": "every operation has a 4xx response whose JSON body is the Error schema",
    "examples-valid": "every example validates against its schema",
    "links-valid": "links name existing operations and parameters those operations have",
    "mock-examples": "examples the mock skips: unresolvable $ref/externalValue, or breaking their "
    "schema (warning)",
    "bundle": "the module documents of an API can be merged into one",
    "discover": "the named files and folders exist and hold OpenAPI documents",
}

_API_RULES: dict[str, ApiRule] = {
    "operation-id": check_operation_ids,
    "summary": check_summaries,
    "error-response": check_error_responses,
    "examples-valid": check_examples,
    "links-valid": check_links,
    "mock-examples": check_mock_examples,
}


def lint(paths: Iterable[Path | str]) -> list[Finding]:
    """All findings for the given spec files and API folders, sorted by file and location."""
    findings: list[Finding] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            findings.extend(_lint_folder(path))
        elif path.exists():
            findings.extend(_lint_api([path], [path]))
        else:
            findings.append(Finding("error", path, "#", "discover", "no such file or folder"))
    unique = dict.fromkeys(findings)
    return sorted(unique, key=Finding.sort_key)


def _lint_folder(folder: Path) -> list[Finding]:
    documents: list[Path] = []
    findings: list[Finding] = []
    for file in spec_files_in(folder):
        try:
            if is_openapi_document(load_file(file)):
                documents.append(file)
        except SpecError:
            findings.extend(check_document(file))  # reports where the document is broken
    modules = [file for file in documents if has_operations(load_file(file))]
    if not modules:
        message = "the folder holds no OpenAPI document with operations (non-empty paths)"
        return [*findings, Finding("error", folder, "#", "discover", message)]
    # Shared documents are bundled too (after the modules) so that all their examples are checked.
    shared = [file for file in documents if file not in modules]
    return findings + _lint_api(modules, documents, shared)


def _lint_api(
    modules: list[Path], documents: list[Path], shared: list[Path] | None = None
) -> list[Finding]:
    """Validate every document, then bundle the modules and run the API-wide rules.

    ``shared`` documents (components.yaml) are bundled after the modules so that
    all of their examples are checked; conflicts they alone cause are not reported,
    since the API's real bundle does not include them.
    """
    findings: list[Finding] = []
    for document in documents:
        findings.extend(check_document(document))
    if not _all_openapi(documents):
        return findings  # check_document has said where the documents are broken
    try:
        result = bundle([*modules, *(shared or [])], strict=False)
    except SpecError as exc:
        return [*findings, _from_spec_error(exc, modules[0], "bundle")]
    for conflict in result.conflicts:
        if conflict.code == "duplicate-operation-id":
            continue  # the operation-id rule reports these
        if conflict.file in (shared or []):
            continue
        findings.append(_from_spec_error(conflict, modules[0], "bundle"))
    context = ApiContext(result, documents)
    for rule_id, rule in _API_RULES.items():
        try:
            findings.extend(rule(context))
        except Exception as exc:  # a malformed document must not hide the other rules
            message = f"the rule could not run: {type(exc).__name__}: {exc}"
            findings.append(Finding("error", modules[0], "#", rule_id, message))
    return findings


def _all_openapi(documents: list[Path]) -> bool:
    try:
        return all(is_openapi_document(load_file(document)) for document in documents)
    except SpecError:
        return False


def _from_spec_error(error: SpecError, fallback: Path, rule: str) -> Finding:
    location = f"line {error.line}" if error.line else "#"
    return Finding("error", error.file or fallback, location, rule, error.message)


# -- command line ----------------------------------------------------------------------

DESCRIPTION = """\
Check OpenAPI documents: validity, operationIds, summaries, error responses,
examples and links. A folder is one API (its modules are checked together);
a file is checked alone, with its own refs resolved."""
_RULE_WIDTH = max(len(rule) for rule in RULES)
EPILOG = """\
rules:
{rules}

examples:
  contractkit lint specs/peerly                 # one API: every document in the folder
  contractkit lint specs/peerly/users.yaml      # one document, its refs resolved
  contractkit lint specs/peerly specs/blaize --format json
  contractkit lint specs/blaize --additions      # also list the operations marked x-addition

exit status: 1 when any error is found, 0 otherwise.""".format(
    rules="\n".join(f"  {rule.ljust(_RULE_WIDTH)}  {text}" for rule, text in RULES.items())
)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the ``lint`` verb's arguments."""
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="SPEC",
        help="an OpenAPI document, or a folder holding one API's documents",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report format (default: text, grouped by file)",
    )
    parser.add_argument(
        "--additions",
        action="store_true",
        help="also list the operations marked x-addition (not in the published API); "
        "information only, it never fails the run",
    )


def run(args: argparse.Namespace) -> int:
    """Lint ``args.paths`` and print the report; 1 if any error was found."""
    findings = lint(args.paths)
    report = render_json(findings) if args.format == "json" else render_text(findings)
    if getattr(args, "additions", False):
        marked = additions(args.paths)
        if args.format == "json":
            payload = json.loads(report)
            payload["additions"] = [addition.as_dict() for addition in marked]
            report = json.dumps(payload, indent=2) + "\n"
        else:
            report += "\n" + render_additions(marked)
    sys.stdout.write(report)
    return 1 if any(finding.severity == "error" for finding in findings) else 0


def render_text(findings: list[Finding]) -> str:
    """A report grouped by file, one finding per line, and a total."""
    if not findings:
        return "No problems found.\n"
    lines: list[str] = []
    current: Path | None = None
    for finding in findings:
        if finding.file != current:
            if current is not None:
                lines.append("")
            current = finding.file
            lines.append(str(current))
        lines.append(
            f"  {finding.severity:<7} {finding.location}  [{finding.rule}]  {finding.message}"
        )
    errors = sum(1 for finding in findings if finding.severity == "error")
    warnings = len(findings) - errors
    files = len({finding.file for finding in findings})
    lines += ["", f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in "]
    lines[-1] += _plural(files, "file")
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding]) -> str:
    """The findings and counts as one JSON object."""
    errors = sum(1 for finding in findings if finding.severity == "error")
    payload = {
        "findings": [finding.as_dict() for finding in findings],
        "errors": errors,
        "warnings": len(findings) - errors,
    }
    return json.dumps(payload, indent=2) + "\n"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
