"""Invalid requests are answered in the document's own error shape, filled with the violations."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from contractkit.mock.generation.errors import VIOLATIONS_HEADER
from contractkit.pytest_plugin import build_mock_app


def client(*specs: Path, **options: object) -> httpx.AsyncClient:
    app = build_mock_app(list(specs), **options)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")


async def test_per_field_list_in_declared_422(specs_dir: Path) -> None:
    async with client(specs_dir / "petstore.yaml") as http:
        response = await http.post(
            "/v1/pets", json={"name": "", "kind": "dog"}, headers={"x-api-key": "k"}
        )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"field": "name", "message": '"" is shorter than 1 character'}]
    assert "name" in body["message"]
    assert json.loads(response.headers[VIOLATIONS_HEADER]) == [
        {"location": "body", "name": "name", "message": '"" is shorter than 1 character'}
    ]


async def test_declared_401_with_status_field_and_challenge(specs_dir: Path) -> None:
    async with client(specs_dir / "petstore.yaml") as http:
        response = await http.post("/v1/pets", json={"name": "a", "kind": "dog"})
    assert response.status_code == 401
    assert response.json()["code"] == 401
    assert "X-API-Key" in response.json()["message"]
    assert "www-authenticate" not in response.headers


async def test_missing_credentials_where_no_client_error_is_documented(specs_dir: Path) -> None:
    async with client(specs_dir / "split") as http:
        response = await http.get("/shop/orders")
    assert response.status_code == 200
    assert "declares no client error" in response.headers["x-contractkit-warning"]
    assert json.loads(response.headers[VIOLATIONS_HEADER])[0]["location"] == "security"


async def test_missing_basic_credentials_get_a_challenge(specs_dir: Path) -> None:
    async with client(specs_dir / "split", refuse_undocumented=True) as http:
        response = await http.get("/shop/orders")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="mock"'
    assert response.json()["violations"][0]["location"] == "security"


async def test_problem_list_shape_of_another_document(specs_dir: Path) -> None:
    async with client(specs_dir / "split") as http:
        response = await http.post(
            "/shop/orders", json={"status": "lost", "items": []}, auth=("u", "p")
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    params = response.json()["invalid_params"]
    assert {p["name"] for p in params} == {"status", "items"}
    assert all(p["reason"] for p in params)


async def test_problem_json_only_when_nothing_is_declared(specs_dir: Path) -> None:
    async with client(specs_dir / "split", refuse_undocumented=True) as http:
        response = await http.get("/shop/orders/not-a-uuid", auth=("u", "p"))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["violations"][0]["name"] == "orderId"


async def test_peerly_like_envelope_fields_map(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [title]
              properties: {title: {type: string, maxLength: 5}, size: {type: integer}}
      responses:
        "201": {description: ok}
        "400":
          description: bad
          content:
            application/json:
              schema:
                type: object
                required: [error]
                properties:
                  error:
                    type: object
                    required: [message]
                    properties:
                      code: {type: string}
                      message: {type: string}
                      fields: {type: object, additionalProperties: {type: string}}
              example:
                error:
                  code: invalid_data
                  message: placeholder
                  fields: {field_name: Error message}
"""
    )
    async with client(spec) as http:
        response = await http.post("/things", json={"title": "far too long", "size": "big"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_data"
    assert error["message"] != "placeholder"
    assert set(error["fields"]) == {"title", "size"}
