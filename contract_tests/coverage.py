"""Status-code coverage: each documented response of each operation, observed or not."""

from __future__ import annotations

from collections.abc import Iterable

from contractkit.contract.model import Finding, OperationCoverage
from contractkit.openapi import Document


def documented_coverage(document: Document) -> list[OperationCoverage]:
    """One entry per operation, with its documented status codes (`default` left out)."""
    return [
        OperationCoverage(
            document=document.name,
            operation=operation.label,
            documented=[
                str(code)
                for code in operation.node.get("responses") or {}
                if str(code) != "default"
            ],
        )
        for operation in document.operations
    ]


def record(coverage: list[OperationCoverage], statuses: Iterable[tuple[str, int]]) -> None:
    """Mark the status codes observed for each operation label."""
    by_label = {entry.operation: entry for entry in coverage}
    for label, status in statuses:
        entry = by_label.get(label)
        if entry is not None:
            entry.observed.add(status)


def uncovered_findings(coverage: list[OperationCoverage]) -> list[Finding]:
    """One finding per operation with documented responses the run never produced."""
    return [
        Finding(
            document=entry.document,
            operation=entry.operation,
            check="status_code_coverage",
            title="Documented responses never produced",
            message=(
                f"documented: {', '.join(entry.documented)}; never observed: "
                f"{', '.join(entry.missing)}; observed: "
                f"{', '.join(str(code) for code in sorted(entry.observed)) or 'nothing'}"
            ),
            curl="",
            source="coverage",
            severity="low",
        )
        for entry in coverage
        if entry.missing
    ]
