"""``contractkit lint --additions``: the operations marked ``x-addition``, listed apart from the
findings and never failing the run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import yaml

from contractkit.lint import configure_parser, run

REPO = Path(__file__).resolve().parents[2]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit lint")
    configure_parser(parser)
    return parser.parse_args(argv)


def document(tmp_path: Path, info_marker: object = None) -> Path:
    info: dict[str, object] = {"title": "t", "version": "1"}
    if info_marker is not None:
        info["x-addition"] = info_marker
    ok = {"200": {"description": "ok"}}
    spec = {
        "openapi": "3.0.3",
        "info": info,
        "paths": {
            "/published": {"get": {"operationId": "published", "summary": "s", "responses": ok}},
            "/added": {
                "get": {
                    "operationId": "added",
                    "summary": "s",
                    "x-addition": "Added so that tests can read what was stored.",
                    "responses": ok,
                },
                "put": {
                    "operationId": "alsoAdded",
                    "summary": "s",
                    "x-addition": True,
                    "responses": ok,
                },
                "delete": {
                    "operationId": "notAdded",
                    "summary": "s",
                    "x-addition": False,
                    "responses": ok,
                },
            },
        },
    }
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_marked_operations_are_listed_with_their_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = document(tmp_path)
    run(parse(str(path), "--additions"))
    out = capsys.readouterr().out
    listing = out[out.index("Additions") :].splitlines()
    assert listing == [
        "Additions (2 operations marked x-addition, not in the published API):",
        str(path),
        "  info    GET /added  (added)  Added so that tests can read what was stored.",
        "  info    PUT /added  (alsoAdded)",
    ]


def test_a_document_marked_as_a_whole_marks_each_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = document(tmp_path, info_marker="Routes of the development server only.")
    run(parse(str(path), "--additions", "--format", "json"))
    payload = json.loads(capsys.readouterr().out)
    listed = {(entry["method"], entry["path"]): entry["reason"] for entry in payload["additions"]}
    assert listed == {
        ("GET", "/published"): "Routes of the development server only.",
        ("GET", "/added"): "Added so that tests can read what was stored.",
        ("PUT", "/added"): "Routes of the development server only.",
    }


def test_without_the_flag_nothing_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(parse(str(document(tmp_path))))
    assert "Additions" not in capsys.readouterr().out


def test_the_shipped_specs_list_their_additions(capsys: pytest.CaptureFixture[str]) -> None:
    specs = REPO / "specs"
    folders = [str(specs / name) for name in ("blaize", "chainsite", "pers", "peerly")]
    run(parse(*folders, "--additions", "--format", "json"))
    listed = {
        (entry["method"], entry["path"])
        for entry in json.loads(capsys.readouterr().out)["additions"]
    }
    assert ("GET", "/storage/{name}") in listed
    assert ("PUT", "/files/storage/{key}") in listed
    assert ("GET", "/confirm/passwordless") in listed
    assert ("POST", "/v3/accounts/{accountId}/grants") in listed
