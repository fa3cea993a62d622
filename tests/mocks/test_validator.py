"""Request validation: violations come back as data, with the status they call for."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from contractkit.mock.document.model import Operation
from contractkit.mock.engine import MockEngine
from contractkit.mock.types import MockRequest
from contractkit.mock.validation.validator import validate_request


@pytest.fixture
def operations(specs_dir: Path) -> dict[str, Operation]:
    engine = MockEngine.from_paths(
        [specs_dir / "petstore.yaml", specs_dir / "swagger2.yaml", specs_dir / "split"]
    )
    return {op.operation_id: op for op in engine.operations}


def request(
    method: str, path: str, query: str = "", body: object = None, **headers: str
) -> MockRequest:
    raw = json.dumps(body).encode() if body is not None else b""
    if body is not None:
        headers.setdefault("content-type", "application/json")
    return MockRequest(
        method, path, query, {k.replace("_", "-"): v for k, v in headers.items()}, raw
    )


def test_valid_request_has_no_violations_and_coerced_parameters(
    operations: dict[str, Operation],
) -> None:
    result = validate_request(
        operations["listPets"], request("GET", "/pets", "limit=5&tags=a&tags=b"), {}
    )
    assert result.valid
    assert result.parameters == {"limit": 5, "tags": ["a", "b"]}


def test_parameter_violations_are_400(operations: dict[str, Operation]) -> None:
    result = validate_request(operations["listPets"], request("GET", "/pets", "limit=many"), {})
    assert result.status == 400
    assert [(v.location, v.name) for v in result.violations] == [("query", "limit")]


def test_missing_path_parameter_type_is_reported(operations: dict[str, Operation]) -> None:
    result = validate_request(operations["getPet"], request("GET", "/pets/x"), {"petId": "x"})
    assert [(v.location, v.name) for v in result.violations] == [("path", "petId")]


def test_security_is_checked_first_and_gives_401(operations: dict[str, Operation]) -> None:
    result = validate_request(operations["createPet"], request("POST", "/pets", body={}), {})
    assert result.status == 401
    assert result.violations[0].location == "security"


def test_body_schema_violations_are_422_with_paths(operations: dict[str, Operation]) -> None:
    body = {"name": "", "kind": "lion"}
    result = validate_request(
        operations["createPet"], request("POST", "/pets", body=body, x_api_key="k"), {}
    )
    assert result.status == 422
    assert {v.name for v in result.violations} == {"name", "kind"}


def test_malformed_json_and_missing_body(operations: dict[str, Operation]) -> None:
    broken = MockRequest(
        "POST", "/pets", "", {"content-type": "application/json", "x-api-key": "k"}, b"{"
    )
    result = validate_request(operations["createPet"], broken, {})
    assert result.status == 400 and "JSON" in result.violations[0].message
    empty = validate_request(operations["createPet"], request("POST", "/pets", x_api_key="k"), {})
    assert empty.violations[0].message == "a request body is required"


def test_unsupported_content_type_is_415(operations: dict[str, Operation]) -> None:
    result = validate_request(
        operations["createPet"],
        MockRequest("POST", "/pets", "", {"content-type": "text/csv", "x-api-key": "k"}, b"a,b"),
        {},
    )
    assert result.status == 415


def test_basic_credentials_must_have_the_right_form(operations: dict[str, Operation]) -> None:
    operation = operations["listOrders"]
    good = base64.b64encode(b"user:pw").decode()
    assert validate_request(
        operation, request("GET", "/orders", authorization=f"Basic {good}"), {}
    ).valid
    bad = validate_request(operation, request("GET", "/orders", authorization="Basic !!!"), {})
    assert bad.status == 401
    wrong_scheme = validate_request(
        operation, request("GET", "/orders", authorization="Bearer x"), {}
    )
    assert wrong_scheme.status == 401


def test_api_key_in_query_and_csv_arrays(operations: dict[str, Operation]) -> None:
    listing = validate_request(operations["listUsers"], request("GET", "/users", "ids=1,2,3"), {})
    assert listing.parameters["ids"] == [1, 2, 3]
    create = validate_request(
        operations["createUser"], request("POST", "/users", "api_key=s", body={"name": "Al"}), {}
    )
    assert create.valid


def test_multipart_and_form_bodies(operations: dict[str, Operation]) -> None:
    boundary = "XyZ"
    parts = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\nPNGDATA\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n'
        "far too long a caption for this\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    result = validate_request(
        operations["uploadAvatar"],
        MockRequest("POST", "/users/1/avatar", "", headers, parts),
        {"id": "1"},
    )
    assert [(v.location, v.name) for v in result.violations] == [("body", "caption")]
    only_file = parts.split(
        f'--{boundary}\r\nContent-Disposition: form-data; name="caption"'.encode()
    )[0]
    result = validate_request(
        operations["uploadAvatar"],
        MockRequest(
            "POST", "/users/1/avatar", "", headers, only_file + f"--{boundary}--\r\n".encode()
        ),
        {"id": "1"},
    )
    assert result.valid
