"""Differential mode: the same generated cases sent to two servers, answers compared.

For every operation the runner draws positive and negative cases (deterministic for the seed)
and sends each to the primary target and then to the other one, back to back. It reports:

- `differential_status`: the two servers answered different status codes;
- `differential_conformance`: the other server's answer breaks the document (the primary's
  answers are already judged by every Schemathesis check).
"""

from __future__ import annotations

from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contractkit.contract.checks.client import CheckClient, Exchange
from contractkit.contract.model import Finding
from contractkit.openapi import Document

CONFORMANCE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def compare(
    document: Document,
    primary: CheckClient,
    other: CheckClient,
    *,
    seed: int,
    cases_per_operation: int,
) -> list[Finding]:
    """Send the same cases to both clients' targets; findings where they disagree."""
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for operation in document.operations:
        api_operation = primary.api_operation(operation)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for case in _draw(api_operation, mode, seed, cases_per_operation):
                first, _ = primary.send(case)
                second_case = other.rebuild(case)
                second, response = other.send(second_case)
                for finding in _judge(document.name, first, second, second_case, response):
                    key = (finding.operation, finding.check, finding.title)
                    if key not in seen:
                        seen.add(key)
                        findings.append(finding)
    return findings


def _draw(api_operation: Any, mode: GenerationMode, seed: int, count: int) -> list[Any]:
    drawn: list[Any] = []

    @hypothesis.settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(seed)
    @hypothesis.given(api_operation.as_strategy(generation_mode=mode))
    def collect(case: Any) -> None:
        drawn.append(case)

    try:
        collect()
    except hypothesis.errors.Unsatisfiable:
        return drawn
    return drawn


def _judge(
    document_name: str, first: Exchange, second: Exchange, case: Any, response: Any
) -> list[Finding]:
    found = []
    curl = f"# primary\n{first.curl}\n# other\n{second.curl}"
    if first.status != second.status:
        found.append(
            Finding(
                document=document_name,
                operation=first.operation,
                check="differential_status",
                title=f"Servers disagree: {first.status} vs {second.status}",
                message=f"{first.label}: the primary answered {first.status}, "
                f"the other server {second.status}",
                curl=curl,
                source="differential",
            )
        )
    try:
        case.validate_response(response, checks=CONFORMANCE_CHECKS)
    except (AssertionError, FailureGroup) as exc:
        failures = getattr(exc, "exceptions", [exc])
        for failure in failures:
            found.append(
                Finding(
                    document=document_name,
                    operation=first.operation,
                    check="differential_conformance",
                    title=f"Other server: {getattr(failure, 'title', 'contract violation')}",
                    message=str(getattr(failure, "message", failure)),
                    curl=second.curl,
                    source="differential",
                )
            )
    return found
