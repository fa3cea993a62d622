"""A self-contained HTML report."""

from __future__ import annotations

from html import escape

from contractkit.contract.model import RunResult
from contractkit.contract.report.grouping import by_operation, headline

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
h1{font-size:1.5rem}.ok{color:#17692f}.bad{color:#a11}
pre{background:#f5f5f5;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.missing{color:#a11}
"""


def render_html(result: RunResult) -> str:
    verdict = "ok" if result.ok else "bad"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Contract test report</title>',
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Contract test report</h1>",
        f'<p class="{verdict}"><strong>{escape(headline(result))}</strong></p>',
        f"<p>Documents: {escape(', '.join(result.documents))}</p>",
    ]
    if result.findings:
        parts.append("<h2>Failures</h2>")
        for (document, operation), findings in by_operation(result.findings):
            parts.append(f"<h3><code>{escape(operation)}</code> ({escape(document)})</h3>")
            for finding in findings:
                parts.append(
                    f"<h4>{escape(finding.title)} — <code>{escape(finding.check)}</code></h4>"
                )
                if finding.message:
                    parts.append(f"<pre>{escape(finding.message)}</pre>")
                if finding.curl:
                    parts.append(f"<p>Reproduce with:</p><pre>{escape(finding.curl)}</pre>")
    if result.errors:
        parts.append("<h2>Errors</h2><ul>")
        for error in result.errors:
            parts.append(
                f"<li><strong>{escape(error.title)}</strong> ({escape(error.document)})"
                f"<pre>{escape(error.message)}</pre></li>"
            )
        parts.append("</ul>")
    if result.suppressed:
        parts.append("<h2>Known failures (baseline)</h2><ul>")
        parts += [
            f"<li><code>{escape(f.operation)}</code> {escape(f.title)} ({escape(f.check)})</li>"
            for f in result.suppressed
        ]
        parts.append("</ul>")
    if result.coverage:
        parts.append("<h2>Status-code coverage</h2><table>")
        parts.append(
            "<tr><th>Operation</th><th>Documented</th><th>Observed</th><th>Never seen</th></tr>"
        )
        for entry in result.coverage:
            observed = ", ".join(str(code) for code in sorted(entry.observed))
            cells = [
                f"<td><code>{escape(entry.operation)}</code></td>",
                f"<td>{escape(', '.join(entry.documented))}</td>",
                f"<td>{escape(observed)}</td>",
                f'<td class="missing">{escape(", ".join(entry.missing))}</td>',
            ]
            parts.append(f"<tr>{''.join(cells)}</tr>")
        parts.append("</table>")
    if result.warnings:
        parts.append("<h2>Warnings</h2><ul>")
        parts += [f'<li class="bad">{escape(warning)}</li>' for warning in result.warnings]
        parts.append("</ul>")
    if result.families:
        parts.append("<h2>CRUD families</h2><table>")
        parts.append("<tr><th>Family</th><th>State</th><th>Details</th></tr>")
        for family in result.families:
            state = "checked" if family.checked else "skipped"
            details = "<br>".join(
                escape(line) for line in [family.detail, *(f"not run: {s}" for s in family.skipped)]
            )
            parts.append(
                f"<tr><td><code>{escape(family.family)}</code> ({escape(family.document)})</td>"
                f"<td>{state}</td><td>{details}</td></tr>"
            )
        parts.append("</table>")
    if result.notes:
        parts.append("<h2>Notes</h2><ul>")
        parts += [f"<li>{escape(note)}</li>" for note in result.notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
