"""The ``lint`` verb: arguments, report formats and exit status."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from contractkit.lint import configure_parser, run

FIXTURES = Path(__file__).parent / "fixtures"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit lint")
    configure_parser(parser)
    return parser.parse_args(argv)


def test_clean_api_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(str(FIXTURES / "petstore"))) == 0
    assert capsys.readouterr().out == "No problems found.\n"


def test_text_report_is_grouped_by_file(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "lint" / "operation_ids"
    assert run(parse(str(folder), str(FIXTURES / "lint" / "no_summary.yaml"))) == 1
    blocks = [block.splitlines() for block in capsys.readouterr().out.split("\n\n")]
    assert [block[0] for block in blocks] == [
        str(FIXTURES / "lint" / "no_summary.yaml"),
        str(folder / "beta.yaml"),
        str(folder / "components.yaml"),
        "6 errors, 0 warnings in 3 files",
    ]
    beta = blocks[1]
    assert beta[1].startswith("  error   GET /beta  [operation-id]  operationId 'listItems'")
    assert beta[2] == "  error   POST /beta  [operation-id]  the operation has no operationId"
    assert len(blocks[0]) == 3


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "lint" / "no_summary.yaml"
    assert run(parse(str(path), "--format", "json")) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 2
    assert report["warnings"] == 0
    assert report["findings"][0] == {
        "severity": "error",
        "file": str(path),
        "location": "GET /things",
        "rule": "summary",
        "message": "the operation has no summary",
    }


def test_help_lists_rules_and_examples() -> None:
    parser = argparse.ArgumentParser(prog="contractkit lint")
    configure_parser(parser)
    text = parser.format_help()
    for rule in ("spec-valid", "operation-id", "summary", "error-response", "examples-valid"):
        assert rule in text
    assert "contractkit lint specs/peerly" in text


def test_at_least_one_path_is_required() -> None:
    with pytest.raises(SystemExit):
        parse()
