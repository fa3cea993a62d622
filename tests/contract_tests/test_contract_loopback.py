"""`contractkit test` against real servers on loopback (uvicorn), through the CLI entry point."""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from contract_tests_fixture_servers import (
    LOGIN_USER,
    SPEC_PATH,
    TOKEN,
    Fault,
    build_app,
    serve_on_loopback,
)

from contractkit.contract import cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit test")
    cli.configure_parser(parser)
    return parser.parse_args(list(argv))


def test_correct_server_over_http_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with serve_on_loopback(build_app()) as origin:
        args = parse(
            str(SPEC_PATH),
            "--base-url",
            origin,
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "--seed",
            "3",
            "--max-examples",
            "8",
            "--quiet",
            "--junit-xml",
            str(tmp_path / "junit.xml"),
            "--report",
            str(tmp_path / "report.md"),
        )
        status = cli.run(args)

    assert status == 0
    assert "PASSED: 0 failures" in capsys.readouterr().out
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    # Five operations and the one CRUD family, walked.
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "6"
    families = [case for case in suite if case.get("classname", "").endswith(".crud")]
    assert [case.get("name") for case in families] == ["/items/{item_id}"]
    assert families[0].find("skipped") is None
    report = (tmp_path / "report.md").read_text()
    assert "# Contract test report" in report
    assert "`/items/{item_id}` (" in report and ") | checked |" in report


def test_faulty_server_over_http_fails_with_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with serve_on_loopback(build_app(Fault.DELETE_STILL_LISTED)) as origin:
        args = parse(
            str(SPEC_PATH),
            "--base-url",
            origin,
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "--seed",
            "3",
            "--phases",
            "crud",
            "--quiet",
            "--junit-xml",
            str(tmp_path / "junit.xml"),
            "--report",
            str(tmp_path / "report.html"),
        )
        status = cli.run(args)

    output = capsys.readouterr().out
    assert status == 1
    assert "Deleted item still listed (crud_delete_listed)" in output
    assert f"curl -X DELETE -H 'Authorization: [Filtered]' {origin}/api/items/" in output
    assert f"curl -X GET -H 'Authorization: [Filtered]' '{origin}/api/items?limit=100'" in output
    failures = ET.parse(tmp_path / "junit.xml").getroot().iter("failure")
    assert [failure.get("type") for failure in failures] == ["crud_delete_listed"]
    assert "crud_delete_listed" in (tmp_path / "report.html").read_text()


def test_login_flow_from_a_config_file_refreshes_expired_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ITEMS_PASSWORD", LOGIN_USER["password"])
    config = tmp_path / "contractkit-test.yaml"
    config.write_text(
        "login:\n"
        "  path: /login\n"
        f"  json: {{username: {LOGIN_USER['username']}, password: '${{ITEMS_PASSWORD}}'}}\n"
        "  token: data.access_token\n"
        "seed: 5\n"
        "max_examples: 6\n"
    )
    app = build_app(token_uses=15)
    with serve_on_loopback(app) as origin:
        status = cli.run(parse(str(SPEC_PATH), "--base-url", origin, "--config", str(config), "-q"))

    assert status == 0, capsys.readouterr().out
    assert app.state.server.logins > 1
