"""A Markdown report, e.g. for a pull-request comment or a CI job summary."""

from __future__ import annotations

from contractkit.contract.model import RunResult
from contractkit.contract.report.grouping import by_operation, headline


def render_markdown(result: RunResult) -> str:
    lines = ["# Contract test report", "", f"**{headline(result)}**", ""]
    lines.append(f"Documents: {', '.join(f'`{name}`' for name in result.documents)}")
    lines.append("")
    if result.findings:
        lines += ["## Failures", ""]
        for (document, operation), findings in by_operation(result.findings):
            lines += [f"### `{operation}` ({document})", ""]
            for finding in findings:
                lines += [f"- **{finding.title}** — `{finding.check}`", ""]
                if finding.message:
                    lines += [
                        "  ```text",
                        *[f"  {line}" for line in finding.message.splitlines()],
                        "  ```",
                        "",
                    ]
                if finding.curl:
                    lines += [
                        "  ```sh",
                        *[f"  {line}" for line in finding.curl.splitlines()],
                        "  ```",
                        "",
                    ]
    if result.errors:
        lines += ["## Errors", ""]
        for error in result.errors:
            first_line = error.message.splitlines()[0] if error.message else ""
            lines.append(f"- **{error.title}** ({error.document}): {first_line}")
        lines.append("")
    if result.suppressed:
        lines += ["## Known failures (baseline)", ""]
        lines += [f"- `{f.operation}` {f.title} (`{f.check}`)" for f in result.suppressed]
        lines.append("")
    if result.coverage:
        lines += [
            "## Status-code coverage",
            "",
            "| Operation | Documented | Observed | Never seen |",
            "|---|---|---|---|",
        ]
        for entry in result.coverage:
            observed = ", ".join(str(code) for code in sorted(entry.observed))
            documented, missing = ", ".join(entry.documented), ", ".join(entry.missing)
            lines.append(f"| `{entry.operation}` | {documented} | {observed} | {missing} |")
        lines.append("")
    if result.warnings:
        lines += ["## Warnings", "", *[f"- {warning}" for warning in result.warnings], ""]
    if result.families:
        lines += ["## CRUD families", "", "| Family | State | Details |", "|---|---|---|"]
        for family in result.families:
            state = "checked" if family.checked else "skipped"
            details = "<br>".join([family.detail, *(f"not run: {s}" for s in family.skipped)])
            lines.append(f"| `{family.family}` ({family.document}) | {state} | {_cell(details)} |")
        lines.append("")
    if result.notes:
        lines += ["## Notes", "", *[f"- {note}" for note in result.notes], ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
