"""The kernel's document model and resolver: operations read lazily, refs across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.openapi import Document, SpecError, Workspace
from contractkit.openapi.constants import HTTP_METHODS, is_json_media_type
from contractkit.openapi.pointers import (
    escape_token,
    format_pointer,
    parse_pointer,
    unescape_token,
)
from contractkit.openapi.swagger2 import swagger2_pointer

MOCK_SPECS = Path(__file__).resolve().parents[1] / "mocks" / "specs"


def test_pointer_tokens_round_trip() -> None:
    token = "a/b~c"
    assert escape_token(token) == "a~1b~0c"
    assert unescape_token(escape_token(token)) == token
    assert parse_pointer(format_pointer(("paths", "/users/{id}", "get"))) == (
        "paths",
        "/users/{id}",
        "get",
    )
    assert parse_pointer("/paths/~1a%7Bb%7D") == ("paths", "/a{b}")


def test_constants_and_media_types() -> None:
    assert HTTP_METHODS[0] == "get" and "trace" in HTTP_METHODS
    assert is_json_media_type("application/problem+json; charset=utf-8")
    assert is_json_media_type("Application/JSON")
    assert not is_json_media_type("text/plain")


def test_operations_merge_parameters_and_resolve_across_files() -> None:
    document = Document.load([MOCK_SPECS / "split"])
    operations = {op.operation_id: op for op in document.operations}
    assert not any(p.name == "line.yaml" for p in document.workspace.files)
    get = operations["getOrder"]
    assert get.label == "GET /orders/{orderId}"
    assert [(p.name, p.location, p.required, p.style) for p in get.parameters] == [
        ("orderId", "path", True, "simple")
    ]
    assert get.servers == [{"url": "/shop"}]
    create = operations["createOrder"]
    body = create.request_body
    assert body is not None and body.required
    schema = body.content["application/json"].schema
    assert schema is not None and schema.node == {
        "$ref": "components.yaml#/components/schemas/Order"
    }
    target = document.workspace.resolve(schema.node["$ref"], schema.file)
    assert target.file.name == "components.yaml"
    assert target.pointer == ("components", "schemas", "Order")
    assert set(create.responses) == {"201", "400"}
    assert "application/problem+json" in create.responses["400"].content
    assert [set(alternative) for alternative in create.security] == [{"basicAuth"}]


def test_swagger2_is_read_in_the_openapi3_shape() -> None:
    document = Document.load([MOCK_SPECS / "swagger2.yaml"])
    workspace = document.workspace
    assert document.root["servers"] == [{"url": "https://legacy.example.com/api"}]
    user = workspace.resolve("#/definitions/User", workspace.roots[0])
    assert user.pointer == ("components", "schemas", "User")
    assert swagger2_pointer(("parameters", "id")) == ("components", "parameters", "id")
    create = next(op for op in document.operations if op.label == "POST /users")
    assert create.request_body is not None
    assert set(create.request_body.content) == {"application/json"}
    scheme = create.security[0]["key"]
    assert scheme is not None and scheme.node["type"] == "apiKey"
    kept = Document.load([MOCK_SPECS / "swagger2.yaml"], convert_swagger2=False)
    assert "swagger" in kept.root


def test_a_document_given_as_data_resolves_local_refs() -> None:
    document = Document.of(
        {
            "openapi": "3.0.3",
            "paths": {
                "/a": {
                    "parameters": [{"$ref": "#/components/parameters/Q"}],
                    "get": {
                        "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {"2xx": {"$ref": "#/components/responses/Ok"}},
                    },
                },
                "x-extension": {},
            },
            "components": {
                "parameters": {"Q": {"name": "q", "in": "query", "schema": {"type": "string"}}},
                "responses": {
                    "Ok": {
                        "description": "ok",
                        "headers": {"X-Rate": {"required": True, "schema": {"type": "integer"}}},
                        "links": {"self": {"operationId": "a"}},
                    }
                },
            },
        }
    )
    [operation] = document.operations
    [parameter] = operation.parameters
    assert parameter.schema is not None and parameter.schema.node == {"type": "integer"}
    assert parameter.explode and parameter.style == "form"
    response = operation.responses["2XX"]
    assert response.headers["x-rate"].required
    assert response.links["self"].node == {"operationId": "a"}
    assert document.resolve({"$ref": "#/components/parameters/Q"})["name"] == "q"


def test_unresolvable_and_circular_refs_are_spec_errors(tmp_path: Path) -> None:
    workspace = Workspace.of({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}})
    with pytest.raises(SpecError, match="chain too long"):
        workspace.deref({"$ref": "#/a"})
    with pytest.raises(SpecError, match="unresolvable"):
        workspace.resolve("#/missing", workspace.roots[0])
    with pytest.raises(SpecError):
        Workspace.load([tmp_path / "absent.yaml"])
