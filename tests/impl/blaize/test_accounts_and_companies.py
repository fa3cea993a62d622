"""Companies, accounts, and account memberships with seats."""

from __future__ import annotations

import httpx

from tests.impl.blaize.conftest import Admin, AdminFactory


async def new_user(client: httpx.AsyncClient, admin: Admin, email: str) -> str:
    body = {"identifiers": {"email_address": email}, "validators": {"password": "pw"}}
    response = await client.post("/v3/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()["user_id"]


async def new_account(client: httpx.AsyncClient, admin: Admin, **fields) -> str:  # type: ignore[no-untyped-def]
    response = await client.post("/v3/accounts", json=fields, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_company_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    created = await client.post(
        "/v3/companies", json={"name": "Acme", "website": "acme.test"}, headers=admin.headers
    )
    assert created.status_code == 201
    company_id = created.json()["id"]
    assert created.headers["location"] == f"/blaize/v3/companies/{company_id}"
    got = await client.get(f"/v3/companies/{company_id}", headers=admin.headers)
    assert got.json() == {"id": company_id, "name": "Acme", "website": "acme.test"}
    replaced = await client.put(
        f"/v3/companies/{company_id}", json={"name": "Acme Ltd"}, headers=admin.headers
    )
    assert replaced.status_code == 201
    assert replaced.json() == {"id": company_id, "name": "Acme Ltd"}
    listing = await client.get("/v3/companies", headers=admin.headers)
    assert listing.json() == {"results": [{"id": company_id, "name": "Acme Ltd"}]}
    assert (
        await client.delete(f"/v3/companies/{company_id}", headers=admin.headers)
    ).status_code == 200
    assert (
        await client.get(f"/v3/companies/{company_id}", headers=admin.headers)
    ).status_code == 404
    unknown = await client.put("/v3/companies/nope", json={}, headers=admin.headers)
    assert unknown.status_code == 404


async def test_account_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    account_id = await new_account(
        client, admin, name="Team", number_of_seats=5, allow_oversubscription=True
    )
    got = (await client.get(f"/v3/accounts/{account_id}", headers=admin.headers)).json()
    assert got == {
        "id": account_id,
        "name": "Team",
        "number_of_seats": 5,
        "allow_oversubscription": True,
    }
    replaced = await client.put(
        f"/v3/accounts/{account_id}", json={"name": "Team B"}, headers=admin.headers
    )
    assert replaced.status_code == 201
    assert replaced.json() == {"id": account_id, "name": "Team B"}
    bad = await client.put(
        f"/v3/accounts/{account_id}", json={"number_of_seats": -1}, headers=admin.headers
    )
    assert bad.status_code == 400
    assert (await client.get(f"/v3/accounts/{account_id}", headers=admin.headers)).json()[
        "name"
    ] == "Team B"
    assert (
        await client.delete(f"/v3/accounts/{account_id}", headers=admin.headers)
    ).status_code == 200
    assert (
        await client.delete(f"/v3/accounts/{account_id}", headers=admin.headers)
    ).status_code == 404


async def test_seats_are_enforced_unless_oversubscription_is_allowed(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    strict = await new_account(client, admin, number_of_seats=1, allow_oversubscription=False)
    loose = await new_account(client, admin, number_of_seats=1, allow_oversubscription=True)
    ann = await new_user(client, admin, "ann@example.com")
    ben = await new_user(client, admin, "ben@example.com")
    first = await client.put(f"/v3/accounts/{strict}/users/{ann}", headers=admin.headers)
    assert first.status_code == 201
    assert first.json() == {"user_id": ann, "account_id": strict}
    again = await client.put(f"/v3/accounts/{strict}/users/{ann}", headers=admin.headers)
    assert again.status_code == 200
    full = await client.put(f"/v3/accounts/{strict}/users/{ben}", headers=admin.headers)
    assert full.status_code == 409
    assert (
        await client.get(f"/v3/accounts/{strict}/users/{ben}", headers=admin.headers)
    ).status_code == 404
    for user in (ann, ben):
        assert (
            await client.put(f"/v3/accounts/{loose}/users/{user}", headers=admin.headers)
        ).status_code == 201
    memberships = (await client.get("/v3/accounts/users", headers=admin.headers)).json()
    assert sorted((m["account_id"], m["user_id"]) for m in memberships) == sorted(
        [(strict, ann), (loose, ann), (loose, ben)]
    )
    ann_accounts = (await client.get(f"/v3/users/{ann}/accounts", headers=admin.headers)).json()
    assert {m["account_id"] for m in ann_accounts["results"]} == {strict, loose}
    removed = await client.delete(f"/v3/accounts/{strict}/users/{ann}", headers=admin.headers)
    assert removed.status_code == 200
    assert (
        await client.put(f"/v3/accounts/{strict}/users/{ben}", headers=admin.headers)
    ).status_code == 201
    missing_user = await client.put(f"/v3/accounts/{strict}/users/nobody", headers=admin.headers)
    assert missing_user.status_code == 404


async def test_accounts_are_per_tenant_and_need_write_rights(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    account_id = await new_account(client, admin, name="Mine")
    other = admin_factory("boss@other.example", tenant="other")
    assert (
        await client.get(f"/v3/accounts/{account_id}", headers=other.headers)
    ).status_code == 404
    assert (await client.get("/v3/accounts", headers=other.headers)).json() == {"results": []}
    viewer = admin_factory("viewer@example.com", role="viewer")
    assert (await client.get("/v3/accounts", headers=viewer.headers)).status_code == 200
    assert (await client.post("/v3/accounts", json={}, headers=viewer.headers)).status_code == 403
    assert (
        await client.delete(f"/v3/accounts/{account_id}", headers=viewer.headers)
    ).status_code == 403
    editor = admin_factory("editor@example.com", role="editor")
    assert (await client.post("/v3/accounts", json={}, headers=editor.headers)).status_code == 201


async def test_seat_counts_beyond_the_database_range_are_invalid_input(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    body = {"name": "Huge", "number_of_seats": 2**90}
    response = await client.post("/v3/accounts", json=body, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    listed = await client.get("/v3/accounts", headers=admin.headers)
    assert "Huge" not in listed.text
