"""OpenAPI 3.1 and Swagger 2.0 documents, served."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

MockClient = Callable[..., httpx.AsyncClient]


async def test_openapi31_discriminated_shapes(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "openapi31.yaml", dynamic=True)
    shapes = (await client.get("/shapes")).json()
    assert len(shapes) >= 2
    for shape in shapes:
        assert ("radius" in shape) == (shape["kind"] == "circle")
    invalid = await client.post("/shapes", json={"kind": "circle", "radius": 0})
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {"radius": ["0 is less than or equal to the minimum of 0"]}
    assert (await client.post("/shapes", json={"kind": "square", "side": 2})).status_code == 201


async def test_openapi31_recursive_schema_examples(
    mock_client: MockClient, specs_dir: Path
) -> None:
    client = mock_client(specs_dir / "openapi31.yaml")
    tree = (await client.get("/tree")).json()
    assert tree["name"] == "root" and isinstance(tree["children"], list)


async def test_swagger2_document(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "swagger2.yaml")
    users = await client.get("/api/users", params={"ids": "1,2"})
    assert users.status_code == 200 and isinstance(users.json(), list)
    # No client error is documented for listing: the documented answer, violations in a header.
    invalid = await client.get("/api/users", params={"ids": "1,x"})
    assert invalid.status_code == 200 and "ids" in invalid.headers["x-contractkit-violations"]
    # No 401/403 is documented: the documented answer, with the violation in a header.
    unauthenticated = await client.post("/api/users", json={"name": "Al"})
    assert unauthenticated.status_code == 201
    assert "security" in unauthenticated.headers["x-contractkit-violations"]
    created = await client.post("/api/users", params={"api_key": "k"}, json={"name": "Al"})
    assert created.status_code == 201 and "name" in created.json()
    bad = await client.post("/api/users", params={"api_key": "k"}, json={"name": "A"})
    assert bad.status_code == 400 and "shorter" in bad.json()["message"]
    upload = await client.post("/api/users/3/avatar", files={"file": ("a.png", b"PNG")})
    assert upload.status_code == 204
