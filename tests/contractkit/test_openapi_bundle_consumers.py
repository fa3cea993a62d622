"""The bundled document is accepted by Connexion 3 and Schemathesis."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from connexion import AsyncApp
from connexion.resolver import Resolver

from contractkit.openapi import bundle_folder

PETSTORE = Path(__file__).parent / "fixtures" / "petstore"
REX = {"id": "1d7c4f2e-8a0b-4c55-9d6e-2f7a9b3c1e00", "name": "Rex"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return bundle_folder(PETSTORE).document


def accept_any_token(token: str) -> dict[str, Any]:
    """Bearer token check for the test app: every token is a valid caller."""
    return {"sub": token}


def make_app(document: dict[str, Any]) -> AsyncApp:
    calls: list[str] = []

    def handler_for(operation_id: str) -> Any:
        async def handler(**_: Any) -> Any:
            calls.append(operation_id)
            if operation_id == "getPet":
                return REX, 200
            return [{"name": "Ann", "pets": [REX]}], 200

        return handler

    document = copy.deepcopy(document)
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    scheme["x-bearerInfoFunc"] = f"{__name__}.accept_any_token"
    app = AsyncApp(__name__)
    app.add_api(document, resolver=Resolver(function_resolver=handler_for), validate_responses=True)
    app.calls = calls  # type: ignore[attr-defined]
    return app


def test_connexion_routes_and_validates_with_the_bundle(document: dict[str, Any]) -> None:
    app = make_app(document)
    client = app.test_client()
    owners = client.get("/petstore/owners")
    assert owners.status_code == 200
    assert owners.json() == [{"name": "Ann", "pets": [REX]}]
    # Security from pets.yaml applies to its operations only.
    assert client.get(f"/petstore/pets/{REX['id']}").status_code == 401
    auth = {"Authorization": "Bearer someone"}
    pet = client.get(f"/petstore/pets/{REX['id']}", headers=auth)
    assert pet.status_code == 200
    assert pet.json() == REX
    # Parameters from the bundle are validated (limit has minimum 1).
    assert client.get("/petstore/pets?limit=0", headers=auth).status_code == 400
    assert app.calls == ["listOwners", "getPet"]  # type: ignore[attr-defined]


def test_schemathesis_loads_every_operation(document: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_dict(document)
    labels = sorted(result.ok().label for result in schema.get_all_operations())
    assert labels == [
        "DELETE /pets/{petId}",
        "GET /owners",
        "GET /pets",
        "GET /pets/{petId}",
        "POST /pets",
    ]
    create = schema["/pets"]["POST"]
    assert create.definition.raw["operationId"] == "createPet"
    # Links of the bundle are usable for stateful testing.
    assert schema.as_state_machine() is not None
