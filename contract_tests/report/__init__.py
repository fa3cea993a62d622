"""Reports of a run: console summary, JUnit XML, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

from contractkit.contract.model import RunResult
from contractkit.contract.report.html import render_html
from contractkit.contract.report.junit import render_junit
from contractkit.contract.report.markdown import render_markdown

__all__ = ["render_html", "render_junit", "render_markdown", "write_report"]


def write_report(result: RunResult, path: str | Path) -> None:
    """Write a Markdown (`.md`), HTML (`.html`/`.htm`) or JUnit XML (`.xml`) report."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".md":
        text = render_markdown(result)
    elif suffix in (".html", ".htm"):
        text = render_html(result)
    elif suffix == ".xml":
        text = render_junit(result)
    else:
        raise ValueError(f"{path}: the report format follows the suffix: .md, .html or .xml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
