"""Ordering shared by every report: findings grouped by document and operation."""

from __future__ import annotations

from itertools import groupby

from contractkit.contract.model import Finding, RunResult


def by_operation(findings: list[Finding]) -> list[tuple[tuple[str, str], list[Finding]]]:
    """Findings grouped by (document, operation), both sorted."""
    ordered = sorted(findings, key=lambda f: (f.document, f.operation, f.check, f.title))
    return [
        (key, list(group))
        for key, group in groupby(ordered, key=lambda f: (f.document, f.operation))
    ]


def headline(result: RunResult) -> str:
    """One line saying how the run went."""
    parts = [f"{len(result.findings)} failure{'s' if len(result.findings) != 1 else ''}"]
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} known (baseline)")
    if result.errors:
        parts.append(f"{len(result.errors)} error{'s' if len(result.errors) != 1 else ''}")
    if result.warnings:
        count = len(result.warnings)
        strict = " (strict)" if result.strict else ""
        parts.append(f"{count} warning{'s' if count != 1 else ''}{strict}")
    verdict = "PASSED" if result.ok else "FAILED"
    seed = f", seed {result.seed}" if result.seed is not None else ""
    return f"{verdict}: {', '.join(parts)} in {result.elapsed:.1f}s{seed}"
