"""Loading: folders of module documents, cross-file refs, Swagger 2.0 conversion."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.mock.document.model import collect_operations
from contractkit.mock.document.schemas import REQUEST, SchemaCompiler
from contractkit.openapi import SpecError, Workspace, discover
from contractkit.openapi.model import server_base_paths


def test_folder_discovery_skips_documents_without_paths(specs_dir: Path) -> None:
    found = {p.name for p in discover([specs_dir / "split"])}
    assert found == {"health.yaml", "orders.yaml"}


def test_missing_path_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError):
        Workspace.load([tmp_path / "absent.yaml"])


def test_relative_refs_across_files_resolve_lazily(specs_dir: Path) -> None:
    workspace = Workspace.load([specs_dir / "split"])
    assert not any(p.name == "line.yaml" for p in workspace.files)
    compiler = SchemaCompiler(workspace)
    operations = {op.operation_id: op for op in collect_operations(workspace, compiler)}
    body = operations["createOrder"].request_body
    assert body is not None
    schema = body[1]["application/json"].schema
    assert schema is not None
    assert any(p.name == "line.yaml" for p in workspace.files)
    good = {"status": "open", "items": [{"sku": "ABC-1234", "quantity": 2}]}
    assert schema.is_valid(good)
    assert not schema.is_valid({**good, "items": [{"sku": "abc", "quantity": 2}]})


def test_swagger2_is_read_in_the_openapi3_shape(specs_dir: Path) -> None:
    workspace = Workspace()
    workspace.add_root(specs_dir / "swagger2.yaml")
    document = workspace.document(specs_dir / "swagger2.yaml")
    assert document["servers"] == [{"url": "https://legacy.example.com/api"}]
    create = document["paths"]["/users"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/definitions/User"
    }
    upload = document["paths"]["/users/{id}/avatar"]["post"]["requestBody"]
    assert set(upload["content"]) == {"multipart/form-data"}
    assert workspace.resolve("#/definitions/User", specs_dir / "swagger2.yaml").node[
        "required"
    ] == ["name"]


def test_swagger2_dialect_is_translated(specs_dir: Path) -> None:
    workspace = Workspace.load([specs_dir / "swagger2.yaml"])
    compiler = SchemaCompiler(workspace)
    located = workspace.resolve("#/definitions/User", specs_dir / "swagger2.yaml")
    schema = compiler.compile(located, REQUEST)
    assert schema.is_valid({"name": "Al", "nickname": None})
    assert not schema.is_valid({"name": "Al", "manager": {"name": "B"}})


def test_server_base_paths_use_variable_defaults() -> None:
    servers = [
        {"url": "https://{host}/api/{version}", "variables": {"version": {"default": "v2"}}},
        {"url": "/relative/"},
        {"url": "https://example.com"},
    ]
    assert server_base_paths(servers) == ["/api/v2", "/relative", ""]
    assert server_base_paths(None) == [""]
