"""Known-failures baseline and the report formats."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from contract_tests_fixture_servers import TOKEN, Fault, build_app, load_spec

from contractkit.contract import RunResult, run_contract
from contractkit.contract.baseline import BaselineError, read_baseline, write_baseline
from contractkit.contract.report import write_report

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def crud_run(fault: Fault | None, **options: object) -> RunResult:
    return run_contract(
        load_spec(), app=build_app(fault), headers=AUTH, seed=2, phases=["crud"], **options
    )


def test_baseline_suppresses_known_findings_but_not_new_ones(tmp_path: Path) -> None:
    first = crud_run(Fault.CREATE_NOT_LISTED)
    assert first.exit_code == 1
    path = tmp_path / "known.yaml"
    write_baseline(path, first.findings)

    again = crud_run(Fault.CREATE_NOT_LISTED, baseline=path)
    other = crud_run(Fault.DELETE_UNKNOWN_SUCCEEDS, baseline=path)

    assert again.exit_code == 0
    assert [finding.check for finding in again.suppressed] == ["crud_create_listed"]
    assert other.exit_code == 1
    assert other.checks_failed() == {"crud_unknown_delete"}


def test_baseline_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("known_failures:\n  - {check: x}\n")
    with pytest.raises(BaselineError):
        read_baseline(path)


def test_reports_show_each_failure_with_its_curl(tmp_path: Path) -> None:
    result = crud_run(Fault.UPDATE_NOT_PERSISTED)
    for name in ("report.md", "report.html", "report.xml"):
        write_report(result, tmp_path / name)

    markdown = (tmp_path / "report.md").read_text()
    html = (tmp_path / "report.html").read_text()
    junit = ET.parse(tmp_path / "report.xml").getroot()
    assert "Update not visible to the next read" in markdown and "curl -X PUT" in markdown
    assert "Update not visible to the next read" in html and "curl -X PUT" in html
    failures = list(junit.iter("failure"))
    assert [failure.get("type") for failure in failures] == ["crud_update_read"]
    assert "curl -X PUT" in (failures[0].text or "")
    with pytest.raises(ValueError):
        write_report(result, tmp_path / "report.txt")
