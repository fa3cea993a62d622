"""The proxy's report, written on exit: Markdown (``.md``) or JUnit XML (``.xml``).

Identical violations are counted once with how often they were seen; JUnit has one test case
per operation seen, failed when anything about it broke the document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from contractkit.mock.proxy.violations import ProxyViolation, ViolationLog

FORMATS = {".md": "markdown", ".markdown": "markdown", ".xml": "junit"}


def report_format(path: Path) -> str:
    """``markdown`` or ``junit`` from the file name; ``ValueError`` for anything else."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ValueError(f"report {path}: use a .md (Markdown) or .xml (JUnit) file name")
    return found


def _grouped(log: ViolationLog) -> Counter[ProxyViolation]:
    return Counter(log.violations())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(log: ViolationLog, upstream: str) -> str:
    """The report as Markdown."""
    grouped = _grouped(log)
    total = sum(log.exchanges.values())
    sources = ", ".join(f"{name} {count}" for name, count in sorted(log.sources.items()))
    lines = [
        "# Contract proxy report",
        "",
        f"Upstream: {upstream}",
        "",
        f"- exchanges: {total}" + (f" ({sources})" if sources else ""),
        f"- operations seen: {len(log.exchanges)}",
        f"- violations: {sum(grouped.values()) + log.dropped} ({len(grouped)} distinct)",
        "",
    ]
    if not grouped:
        lines.append("No violations.")
        return "\n".join(lines) + "\n"
    lines += [
        "| operation | direction | pointer | message | seen |",
        "|---|---|---|---|---|",
    ]
    for violation, count in sorted(
        grouped.items(), key=lambda item: (item[0].operation, item[0].direction, item[0].pointer)
    ):
        lines.append(
            f"| {_cell(violation.operation)} | {violation.direction} | "
            f"`{_cell(violation.pointer)}` | {_cell(violation.message)} | {count} |"
        )
    return "\n".join(lines) + "\n"


def junit(log: ViolationLog, upstream: str) -> str:
    """The report as JUnit XML: one test case per operation seen."""
    grouped = _grouped(log)
    by_operation: dict[str, list[tuple[ProxyViolation, int]]] = {}
    for violation, count in grouped.items():
        by_operation.setdefault(violation.operation, []).append((violation, count))
    operations = sorted(set(log.exchanges) | set(by_operation))
    failures = sum(1 for name in operations if name in by_operation)
    suites = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=f"contractkit proxy {upstream}",
        tests=str(len(operations)),
        failures=str(failures),
        errors="0",
    )
    for name in operations:
        case = ElementTree.SubElement(suite, "testcase", classname="contractkit.proxy", name=name)
        found = by_operation.get(name)
        if not found:
            continue
        failure = ElementTree.SubElement(
            case, "failure", message=f"{sum(c for _, c in found)} violation(s)", type="contract"
        )
        failure.text = "\n".join(
            f"{v.direction} {v.pointer}: {v.message} (seen {count}x)" for v, count in found
        )
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def write_report(path: Path, log: ViolationLog, upstream: str) -> None:
    """Write the report in the format its file name says."""
    kind = report_format(path)
    text = markdown(log, upstream) if kind == "markdown" else junit(log, upstream)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
