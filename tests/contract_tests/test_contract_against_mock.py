"""The runner against our own mock, for every API under `specs/`: no finding, no error.

Each folder of module documents is mocked in-process (stateful, with declared credentials, so
that `ignored_auth` can see invalid credentials refused) and tested with every phase and every
check. New APIs are covered as soon as their folder exists.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from contractkit.contract import ALL_PHASES, run_contract
from contractkit.openapi import Document
from contractkit.pytest_plugin import build_mock_app

SPECS = Path(__file__).resolve().parents[2] / "specs"
API_FOLDERS = sorted(
    folder for folder in SPECS.iterdir() if folder.is_dir() and any(folder.glob("*.yaml"))
)
TOKEN = "ck-mock.ck-credential.ck-signature"
"""A credential every scheme can carry (shaped like a JWT for ``bearerFormat: JWT``)."""


def _header_for(scheme: dict[str, Any]) -> tuple[str, str, str] | None:
    """(header name, header value, the value the mock is told to accept) for a scheme."""
    kind = scheme.get("type")
    if kind == "apiKey" and scheme.get("in") == "header":
        return str(scheme["name"]), TOKEN, TOKEN
    if kind == "apiKey" and scheme.get("in") == "cookie":
        return "Cookie", f"{scheme['name']}={TOKEN}", TOKEN
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        pair = f"contract:{TOKEN}"
        return "Authorization", "Basic " + base64.b64encode(pair.encode()).decode(), pair
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
        return "Authorization", f"Bearer {TOKEN}", TOKEN
    if kind in ("oauth2", "openIdConnect"):
        return "Authorization", f"Bearer {TOKEN}", TOKEN
    return None


def credentials_for(document: Document) -> tuple[dict[str, str], dict[str, str]]:
    """Credentials the mock accepts (by scheme) and headers that meet every operation's security.

    For each operation, the first alternative that headers can express is used, preferring
    schemes already chosen for other operations.
    """
    root = document.root
    schemes = {
        name: document.resolve(scheme)
        for name, scheme in (root.get("components", {}).get("securitySchemes") or {}).items()
    }
    accepted: dict[str, str] = {}
    headers: dict[str, str] = {}
    for operation in document.operations:
        alternatives = operation.node.get("security", root.get("security")) or []
        if not alternatives or any(not alternative for alternative in alternatives):
            continue
        ranked = sorted(alternatives, key=lambda alt: not set(alt) <= set(accepted))
        for alternative in ranked:
            found = {name: _header_for(schemes.get(name) or {}) for name in alternative}
            if any(value is None for value in found.values()):
                continue
            clashes = any(
                headers.get(header) not in (None, value)
                for header, value, _ in (v for v in found.values() if v is not None)
            )
            if clashes:
                continue
            for name, value in found.items():
                assert value is not None
                header, text, credential = value
                headers[header] = text
                accepted[name] = credential
            break
    return accepted, headers


@pytest.mark.slow
@pytest.mark.parametrize("folder", API_FOLDERS, ids=[folder.name for folder in API_FOLDERS])
def test_runner_finds_nothing_wrong_with_the_mock(folder: Path) -> None:
    accepted, headers = credentials_for(Document.bundled(folder))
    app = build_mock_app(folder, stateful=True, seed=1, credentials=accepted)
    result = run_contract(
        folder, app=app, headers=headers, seed=5, max_examples=5, phases=ALL_PHASES
    )
    assert result.errors == [], [(e.title, e.message[:500]) for e in result.errors]
    assert result.findings == [], [
        (f.operation, f.check, f.title, f.message[:500]) for f in result.findings
    ]


def test_credentials_cover_every_secured_operation_of_a_document() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"cookie": []}, {"key": []}],
        "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/b": {
                "get": {
                    "security": [{"basic": []}],
                    "responses": {"200": {"description": "ok"}},
                }
            },
            "/c": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "securitySchemes": {
                "cookie": {"type": "apiKey", "in": "query", "name": "k"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "basic": {"type": "http", "scheme": "basic"},
            }
        },
    }
    accepted, headers = credentials_for(Document.of(document))
    assert accepted == {"key": TOKEN, "basic": f"contract:{TOKEN}"}
    assert headers["X-Key"] == TOKEN
    assert base64.b64decode(headers["Authorization"].split()[1]).decode() == f"contract:{TOKEN}"


def _notes_document(tmp_path: Path) -> Path:
    note = {
        "type": "object",
        "required": ["id", "text"],
        "properties": {"id": {"type": "integer", "readOnly": True}, "text": {"type": "string"}},
    }
    created = {"application/json": {"schema": note}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Notes", "version": "1"},
        "paths": {
            "/notes": {
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 3},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "oldest first",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": note}}
                            },
                        }
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "responses": {"201": {"description": "made", "content": created}},
                },
            },
            "/notes/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "responses": {
                        "200": {"description": "one", "content": created},
                        "404": {"description": "none"},
                    }
                },
                "delete": {
                    "responses": {"204": {"description": "gone"}, "404": {"description": "none"}}
                },
            },
        },
    }
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(spec))
    return path


def test_crud_is_not_judged_on_a_mock_that_keeps_no_state(tmp_path: Path) -> None:
    document = _notes_document(tmp_path)
    result = run_contract(document, app=build_mock_app(document), seed=1, phases=("crud",))
    assert result.findings == []
    assert [family.checked for family in result.families] == [False]
    assert "keeps no state" in result.families[0].detail
    assert any("start it with --stateful" in note for note in result.notes)


async def test_an_item_beyond_a_full_first_page_is_not_called_missing(tmp_path: Path) -> None:
    document = _notes_document(tmp_path)
    app = build_mock_app(document, stateful=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        for number in range(5):  # more than the largest page (3), oldest first
            assert (await client.post("/notes", json={"text": f"{number}"})).status_code == 201
    result = run_contract(document, app=app, seed=1, phases=("crud",))
    assert result.findings == []
    skipped = " ".join(reason for family in result.families for reason in family.skipped)
    assert "crud_create_listed" in skipped and "which is full (3 items)" in skipped
