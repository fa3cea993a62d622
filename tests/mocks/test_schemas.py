"""Compiling OpenAPI schemas to JSON Schema 2020-12."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from contractkit.mock.document.schemas import REQUEST, RESPONSE, CompiledSchema, SchemaCompiler
from contractkit.openapi.workspace import Located, Workspace

DOCUMENT = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Account:
      type: object
      required: [id, password, name]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, writeOnly: true}
        name: {type: string, nullable: true}
        score: {type: number, minimum: 0, exclusiveMinimum: true}
        small: {type: integer, format: int32}
        parent: {$ref: '#/components/schemas/Account'}
"""


def compile_account(tmp_path: Path, direction: str) -> CompiledSchema:
    path = tmp_path / "doc.yaml"
    path.write_text(DOCUMENT)
    workspace = Workspace.load([path])
    located = workspace.resolve("#/components/schemas/Account", path)
    return SchemaCompiler(workspace).compile(located, direction)


def test_read_only_is_not_required_in_requests(tmp_path: Path) -> None:
    schema = compile_account(tmp_path, REQUEST)
    assert schema.is_valid({"password": "x", "name": "a"})
    assert not schema.is_valid({"id": 1, "name": "a"})


def test_write_only_is_not_required_in_responses(tmp_path: Path) -> None:
    schema = compile_account(tmp_path, RESPONSE)
    assert schema.is_valid({"id": 1, "name": None})
    assert not schema.is_valid({"password": "x", "name": "a"})


def test_nullable_exclusive_bounds_and_int32(tmp_path: Path) -> None:
    schema = compile_account(tmp_path, RESPONSE)
    base: dict[str, Any] = {"id": 1, "name": None}
    assert not schema.is_valid({**base, "score": 0})
    assert schema.is_valid({**base, "score": 0.5})
    assert not schema.is_valid({**base, "small": 2**31})


def test_circular_schemas_compile_and_validate_deeply(tmp_path: Path) -> None:
    schema = compile_account(tmp_path, RESPONSE)
    nested = {"id": 1, "name": "a", "parent": {"id": 2, "name": "b", "parent": {"id": 3}}}
    errors = schema.errors(nested)
    assert errors == [("parent.parent.name", '"name" is a required property')]


def test_compiled_schemas_are_cached_by_location(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(DOCUMENT)
    workspace = Workspace.load([path])
    compiler = SchemaCompiler(workspace)
    located = workspace.resolve("#/components/schemas/Account", path)
    assert compiler.compile(located, REQUEST) is compiler.compile(located, REQUEST)
    assert compiler.compile(located, REQUEST) is not compiler.compile(located, RESPONSE)


def test_openapi31_keywords_pass_through(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {
                    "schemas": {
                        "Pair": {
                            "type": "array",
                            "prefixItems": [{"type": "string"}, {"type": ["integer", "null"]}],
                            "items": False,
                        }
                    }
                },
            }
        )
    )
    workspace = Workspace.load([path])
    schema = SchemaCompiler(workspace).compile(
        Located(*workspace.resolve("#/components/schemas/Pair", path)), REQUEST
    )
    assert schema.is_valid(["a", None])
    assert not schema.is_valid(["a", 1, "extra"])
