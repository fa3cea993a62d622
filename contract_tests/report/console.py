"""The summary printed at the end of a run: each failure with a curl command reproducing it."""

from __future__ import annotations

import textwrap

from contractkit.contract.model import RunResult
from contractkit.contract.report.grouping import by_operation, headline


def render_console(result: RunResult, *, show_coverage: bool = True) -> str:
    """Plain text, for a terminal or a CI log."""
    lines: list[str] = []
    if result.findings:
        lines.append("FAILURES")
        lines.append("========")
        for (document, operation), findings in by_operation(result.findings):
            lines.append("")
            lines.append(f"{operation}  [{document}]")
            for number, finding in enumerate(findings, 1):
                lines.append(f"  {number}. {finding.title} ({finding.check})")
                if finding.message:
                    lines.append(textwrap.indent(finding.message.strip(), "       "))
                if finding.curl:
                    lines.append("     Reproduce with:")
                    lines.append(textwrap.indent(finding.curl.strip(), "       "))
        lines.append("")
    if result.errors:
        lines.append("ERRORS")
        lines.append("======")
        for error in result.errors:
            lines.append(f"  [{error.document}] {error.title}")
            lines.append(textwrap.indent(error.message.strip()[:2000], "       "))
        lines.append("")
    if show_coverage and result.coverage:
        lines.append("STATUS-CODE COVERAGE")
        lines.append("====================")
        for entry in result.coverage:
            missing = f"  never seen: {', '.join(entry.missing)}" if entry.missing else ""
            seen = ", ".join(str(code) for code in sorted(entry.observed)) or "-"
            lines.append(f"  {entry.operation:<40} seen: {seen}{missing}")
        lines.append("")
    if result.families:
        lines.append("CRUD FAMILIES")
        lines.append("=============")
        for family in result.families:
            state = "checked" if family.checked else "skipped"
            lines.append(f"  {state}  {family.family}  [{family.document}]")
            lines.append(textwrap.indent(textwrap.fill(family.detail, 90), "           "))
            for skipped in family.skipped:
                lines.append(f"           not run: {skipped}")
        lines.append("")
    for note in result.notes:
        lines.append(f"note: {note}")
    for warning in result.warnings:
        lines.append(f"WARNING: {warning}")
    lines.append(headline(result))
    return "\n".join(lines) + "\n"
