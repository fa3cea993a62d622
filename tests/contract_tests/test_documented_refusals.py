"""Findings no documented status can avoid are set aside, and the notes say why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from contractkit.contract import run_contract
from contractkit.contract.documented_refusals import review
from contractkit.contract.model import Finding
from contractkit.contract.target import Target
from contractkit.openapi import Document
from tests.contract_tests.documents import (
    document,
    json_body,
    json_response,
    path_parameter,
    strings,
)

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "refusals", "version": "1"},
    "paths": {
        "/quiet": {"get": {"security": [{"key": []}], "responses": {"200": {"description": "ok"}}}},
        "/loud": {
            "get": {
                "security": [{"key": []}],
                "responses": {
                    "200": {"description": "ok"},
                    "401": {"description": "who?"},
                    "422": {"description": "bad"},
                },
            }
        },
        "/silent": {"get": {}},
        "/keyed": {
            "get": {
                "security": [{"key": []}],
                "responses": {"200": {"description": "ok"}, "422": {"description": "bad"}},
            }
        },
    },
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
}


def finding(operation: str, check: str, message: str = "") -> Finding:
    return Finding("refusals", operation, check, check, message, "curl", "schemathesis")


FINDINGS = [
    finding("GET /quiet", "negative_data_rejection"),
    finding("GET /loud", "negative_data_rejection"),
    finding("GET /quiet", "missing_required_header", "Got 200 ..., expected 401"),
    finding("GET /loud", "missing_required_header", "Got 200 ..., expected 401"),
    finding("GET /silent", "status_code_conformance"),
    finding("GET /loud", "status_code_conformance"),
    finding("GET /quiet", "ignored_auth"),
    finding(
        "GET /keyed", "negative_data_rejection", "Invalid component: Missing `X-Key` at header"
    ),
    finding("GET /keyed", "negative_data_rejection", "Invalid component: Missing `n` at query"),
]


def test_findings_a_documented_answer_cannot_avoid_are_set_aside() -> None:
    nowhere = Target(base_url="http://127.0.0.1:9")  # no server: not a mock
    kept, notes = review(Document.bundled(SPEC), nowhere, FINDINGS)
    assert [(f.operation, f.check) for f in kept] == [
        ("GET /loud", "negative_data_rejection"),
        ("GET /loud", "missing_required_header"),
        ("GET /loud", "status_code_conformance"),
        ("GET /quiet", "ignored_auth"),
        ("GET /keyed", "negative_data_rejection"),
    ]
    assert "Missing `n`" in kept[-1].message
    assert len(notes) == 2
    assert "negative_data_rejection" in notes[0] and "GET /quiet" in notes[0]
    assert "document no response at all" in notes[1] and notes[1].endswith("GET /silent")


def test_ignored_auth_is_set_aside_only_for_a_mock_that_checks_no_values(
    tmp_path: Path, mock_server: Callable[..., str]
) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    lenient = Target(base_url=mock_server(path))
    kept, notes = review(Document.bundled(SPEC), lenient, FINDINGS)
    assert ("GET /quiet", "ignored_auth") not in [(f.operation, f.check) for f in kept]
    assert any("checks no credential values" in note for note in notes)
    strict = Target(base_url=mock_server(path, credentials={"key": "s3cret"}))
    kept, _ = review(Document.bundled(SPEC), strict, FINDINGS)
    assert ("GET /quiet", "ignored_auth") in [(f.operation, f.check) for f in kept]


# Neither the read nor the delete of an item documents a status for a missing one.
NO_GONE = document(
    "hooks",
    {
        "/hooks": {
            "post": {
                "requestBody": json_body(strings("url")),
                "responses": {"201": json_response(strings("id", "url"), "created")},
            }
        },
        "/hooks/{id}": {
            "parameters": [path_parameter("id")],
            "get": {"responses": {"200": json_response(strings("id", "url"), "the hook")}},
            "delete": {"responses": {"204": {"description": "deleted"}}},
        },
    },
)


def test_a_deleted_item_that_reads_without_a_documented_gone_status_is_noted(
    tmp_path: Path, mock_server: Callable[..., str]
) -> None:
    path = tmp_path / "hooks.yaml"
    path.write_text(yaml.safe_dump(NO_GONE))
    result = run_contract(path, base_url=mock_server(path, stateful=True), phases=("crud",), seed=1)
    assert not result.findings, [(f.check, f.message) for f in result.findings]
    (note,) = [note for note in result.notes if "crud_delete_read not counted" in note]
    assert "GET /hooks/{id} documents no status for a missing item" in note
