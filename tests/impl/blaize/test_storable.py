"""Text with the NUL character names nothing and is never stored (PostgreSQL cannot)."""

from __future__ import annotations

import httpx
import pytest

from contractkit.impl.blaize.tenancy.storable import contains_nul, refuse_unstorable
from contractkit.impl.errors import ApiError
from tests.impl.blaize.conftest import Admin


def test_nul_is_found_anywhere_in_a_document() -> None:
    assert contains_nul({"a": ["x", {"b\x00": 1}]})
    assert contains_nul(("ok", "n\x00"))
    assert not contains_nul({"a": ["x", {"b": 1, "c": None}]})
    with pytest.raises(ApiError) as raised:
        refuse_unstorable("fine", {"key": "bad\x00"})
    assert raised.value.status == 409


async def test_nul_in_identifiers_and_values(client: httpx.AsyncClient, admin: Admin) -> None:
    for path in ("/v3/users/a%00b", "/v3/accounts/a%00b", "/v3/schema/users/a%00b"):
        assert (await client.get(path, headers=admin.headers)).status_code == 404, path
    for method, path, body in (
        ("POST", "/v3/companies", {"name": "Acme\x00"}),
        ("POST", "/v3/configuration", {"cdn.origin": "a\x00"}),
        ("POST", "/v3/admin/roles", {"email": "a@example.com", "role": "x\x00"}),
        ("POST", "/v3/users", {"identifiers": {"nick": "j\x00"}, "validators": {"password": "p"}}),
    ):
        response = await client.request(method, path, json=body, headers=admin.headers)
        assert response.status_code == 409, (path, response.text)
    login = {
        "identifiers": {"email_address": "root@example.com", "tenant": "x\x00"},
        "validators": {"password": "p"},
    }
    assert (await client.post("/v3/admin/login", json=login)).status_code == 401
