"""JUnit XML: one test suite per document, one test case per operation and check family."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from contractkit.contract.model import Finding, RunResult


def render_junit(result: RunResult) -> str:
    """A JUnit XML document CI systems can show: every operation is a test case."""
    root = ET.Element("testsuites", name="contractkit test", time=f"{result.elapsed:.3f}")
    findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings[(finding.document, finding.operation)].append(finding)
    operations: dict[str, list[str]] = defaultdict(list)
    for entry in result.coverage:
        operations[entry.document].append(entry.operation)
    for document, operation in findings:
        if operation not in operations[document]:
            operations[document].append(operation)
    for document in result.documents:
        suite = ET.SubElement(root, "testsuite", name=document)
        failures = 0
        for operation in operations.get(document, []):
            case = ET.SubElement(suite, "testcase", classname=document, name=operation)
            for finding in findings.get((document, operation), []):
                failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=finding.check,
                    message=f"{finding.title} ({finding.check})",
                )
                failure.text = f"{finding.message}\n\nReproduce with:\n{finding.curl}"
        for family in (family for family in result.families if family.document == document):
            case = ET.SubElement(
                suite, "testcase", classname=f"{document}.crud", name=family.family
            )
            if not family.checked:
                ET.SubElement(case, "skipped", message=family.detail)
            elif family.skipped:
                ET.SubElement(case, "system-out").text = "\n".join(
                    [family.detail, *(f"not run: {entry}" for entry in family.skipped)]
                )
        for warning in result.warnings:
            if not warning.startswith(f"{document}:"):
                continue
            case = ET.SubElement(suite, "testcase", classname=document, name="warning")
            if result.strict:
                failures += 1
                ET.SubElement(case, "failure", type="warning", message=warning)
            else:
                ET.SubElement(case, "system-err").text = warning
        for error in (error for error in result.errors if error.document == document):
            case = ET.SubElement(suite, "testcase", classname=document, name=error.title)
            ET.SubElement(case, "error", message=error.title).text = error.message
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(failures))
        suite.set("skipped", str(len(suite.findall("testcase/skipped"))))
        suite.set("errors", str(sum(1 for e in result.errors if e.document == document)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
