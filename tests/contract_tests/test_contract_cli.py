"""The `contractkit test` arguments: in-process apps, usage errors, breaking-change mode."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml
from contract_tests_fixture_servers import SPEC_PATH, TOKEN, Fault, build_app

from contractkit.contract import cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit test")
    cli.configure_parser(parser)
    return parser.parse_args(list(argv))


def loader_for(fault: Fault | None) -> Any:
    def load(name: str) -> tuple[Any, str]:
        assert name == "items"
        return build_app(fault), "/api"

    return load


def test_help_documents_the_base_url_rule_and_examples() -> None:
    parser = argparse.ArgumentParser(prog="contractkit test")
    cli.configure_parser(parser)
    text = parser.format_help()

    assert "--base-url" in text and "servers[0].url" in text
    assert "contractkit test specs/peerly --app peerly" in text


def test_app_from_the_loader_runs_in_process(capsys: pytest.CaptureFixture) -> None:
    args = parse(
        str(SPEC_PATH),
        "--app",
        "items",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        "--phases",
        "crud",
        "--seed",
        "1",
        "-q",
    )

    assert cli.run(args, app_loader=loader_for(None)) == 0
    assert cli.run(args, app_loader=loader_for(Fault.CREATE_NOT_LISTED)) == 1
    assert "crud_create_listed" in capsys.readouterr().out


def test_header_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACTKIT_AUTH_HEADER", f"Authorization: Bearer {TOKEN}")
    args = parse(str(SPEC_PATH), "--app", "items", "--phases", "crud", "--seed", "1", "-q")

    assert cli.run(args, app_loader=loader_for(None)) == 0


def test_missing_credentials_make_crud_checks_report_why_they_skipped(
    capsys: pytest.CaptureFixture,
) -> None:
    args = parse(str(SPEC_PATH), "--app", "items", "--phases", "crud", "--seed", "1", "-q")

    assert cli.run(args, app_loader=loader_for(None)) == 0
    assert "CRUD checks skipped" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [str(SPEC_PATH)],
        [str(SPEC_PATH), "--app", "items"],
        ["missing.yaml", "--base-url", "http://127.0.0.1:9"],
        [str(SPEC_PATH), "--base-url", "http://127.0.0.1:9", "--phases", "nonsense"],
        [str(SPEC_PATH), "--base-url", "http://127.0.0.1:9", "-H", "no colon"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert cli.run(parse(*argv)) == 2
    assert capsys.readouterr().err.startswith("contractkit test: ")


def test_breaking_mode(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text())
    del document["paths"]["/items/{item_id}"]["delete"]
    newer = tmp_path / "new.yaml"
    newer.write_text(yaml.safe_dump(document))

    assert cli.run(parse("--breaking", str(SPEC_PATH), str(SPEC_PATH))) == 0
    assert cli.run(parse("--breaking", str(SPEC_PATH), str(newer))) == 1
    assert "DELETE /items/{item_id}: operation removed" in capsys.readouterr().out


def test_app_without_spec_tests_the_documents_the_app_serves(
    capsys: pytest.CaptureFixture,
) -> None:
    from contractkit.contract.target import AppUnderTest

    def load(name: str) -> AppUnderTest:
        return AppUnderTest(build_app(Fault.CREATE_NOT_LISTED), "/api", (SPEC_PATH,))

    args = parse("--app", "items", "-H", f"Authorization: Bearer {TOKEN}", "--phases", "crud", "-q")
    assert cli.run(args, app_loader=load) == 1
    assert "crud_create_listed" in capsys.readouterr().out

    nothing = parse("--app", "items", "-q")
    assert cli.run(nothing, app_loader=lambda name: AppUnderTest(build_app(None), "/api")) == 2
