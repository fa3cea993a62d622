"""Grants to users and accounts, and the access model they make."""

from __future__ import annotations

import httpx

from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.test_accounts_and_companies import new_account, new_user
from tests.impl.blaize.test_catalogue import add_entitlements


def entitlement(entitlement_id: str) -> dict[str, str]:
    return {"entitlement_type": "entitlement", "entitlement_id": entitlement_id}


async def test_user_grant_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    user = await new_user(client, admin, "joe@company.com")
    await add_entitlements(client, admin, "gold")
    created = await client.post(
        f"/v3/users/{user}/grants", json=entitlement("gold"), headers=admin.headers
    )
    assert created.status_code == 201
    grant_id = created.json()["grantId"]
    assert created.headers["location"] == f"/blaize/v3/users/{user}/grants/{grant_id}"
    got = await client.get(f"/v3/users/{user}/grants/{grant_id}", headers=admin.headers)
    assert got.json() == {"grantId": grant_id, **entitlement("gold")}
    listing = await client.get(f"/v3/users/{user}/grants", headers=admin.headers)
    assert listing.json() == {"results": [got.json()]}
    deleted = await client.delete(f"/v3/users/{user}/grants/{grant_id}", headers=admin.headers)
    assert deleted.status_code == 200
    assert (
        await client.get(f"/v3/users/{user}/grants/{grant_id}", headers=admin.headers)
    ).status_code == 404
    unknown_user = await client.post(
        "/v3/users/nobody/grants", json=entitlement("gold"), headers=admin.headers
    )
    assert unknown_user.status_code == 404
    unknown_product = await client.post(
        f"/v3/users/{user}/grants", json=entitlement("platinum"), headers=admin.headers
    )
    assert unknown_product.status_code == 404
    assert unknown_product.json()["message"] == "Entitlement 'platinum' not found"
    bundle = {"entitlement_type": "bundle", "entitlement_id": "gold"}
    assert (
        await client.post(f"/v3/users/{user}/grants", json=bundle, headers=admin.headers)
    ).status_code == 404
    bad_type = {"entitlement_type": "coupon", "entitlement_id": "x"}
    assert (
        await client.post(f"/v3/users/{user}/grants", json=bad_type, headers=admin.headers)
    ).status_code == 400


async def test_upsert_with_a_chosen_id(client: httpx.AsyncClient, admin: Admin) -> None:
    ann = await new_user(client, admin, "ann@company.com")
    ben = await new_user(client, admin, "ben@company.com")
    await add_entitlements(client, admin, "silver", "gold", "x")
    url = f"/v3/users/{ann}/grants/my-grant"
    first = await client.post(url, json=entitlement("silver"), headers=admin.headers)
    assert first.status_code == 201
    second = await client.post(url, json=entitlement("gold"), headers=admin.headers)
    assert second.status_code == 200
    assert second.json()["message"] == "Grant updated successfully"
    assert (await client.get(url, headers=admin.headers)).json()["entitlement_id"] == "gold"
    stolen = await client.post(
        f"/v3/users/{ben}/grants/my-grant", json=entitlement("x"), headers=admin.headers
    )
    assert stolen.status_code == 409
    assert (
        await client.get(f"/v3/users/{ben}/grants/my-grant", headers=admin.headers)
    ).status_code == 404


async def test_access_model_joins_user_and_account_grants(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    user = await new_user(client, admin, "joe@company.com")
    account = await new_account(client, admin, name="Team")
    await add_entitlements(client, admin, "news", "archive")
    await client.post(f"/v3/users/{user}/grants", json=entitlement("news"), headers=admin.headers)
    await client.post(f"/v3/users/{user}/grants", json=entitlement("news"), headers=admin.headers)
    with database.transaction() as session:
        for grant_id, entitlement_id in (("acc-1", "archive"), ("acc-2", "news")):
            session.add(
                Grant(
                    id=grant_id,
                    tenant_id=admin.tenant,
                    account_id=account,
                    entitlement_type="entitlement",
                    entitlement_id=entitlement_id,
                )
            )
    model_url = f"/v3/users/{user}/accessModel"
    before = (await client.get(model_url, headers=admin.headers)).json()
    assert [e["id"] for e in before["delivered_entitlements"]] == ["news"]
    await client.put(f"/v3/accounts/{account}/users/{user}", headers=admin.headers)
    after = (await client.get(model_url, headers=admin.headers)).json()
    assert after == {
        "meters": {},
        "credits": {},
        "delivered_entitlements": [
            {"id": "news", "direct": True, "meteredBy": [], "creditedBy": []},
            {"id": "archive", "direct": True, "meteredBy": [], "creditedBy": []},
        ],
    }
    refreshed = await client.post(f"/v3/users/{user}/authorization/refresh", headers=admin.headers)
    assert refreshed.json() == after

    account_grant = await client.get(f"/v3/accounts/{account}/grants/acc-1", headers=admin.headers)
    assert account_grant.json() == {"grantId": "acc-1", **entitlement("archive")}
    # An account grant is not a grant of the user, and the other way round.
    assert (
        await client.get(f"/v3/users/{user}/grants/acc-1", headers=admin.headers)
    ).status_code == 404
    assert (
        await client.delete(f"/v3/accounts/{account}/grants/acc-1", headers=admin.headers)
    ).status_code == 200
    assert (
        await client.get(f"/v3/accounts/{account}/grants/acc-1", headers=admin.headers)
    ).status_code == 404
    final = (await client.get(model_url, headers=admin.headers)).json()
    assert [e["id"] for e in final["delivered_entitlements"]] == ["news"]


async def test_grants_are_per_tenant(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    user = await new_user(client, admin, "joe@company.com")
    await add_entitlements(client, admin, "gold")
    created = await client.post(
        f"/v3/users/{user}/grants", json=entitlement("gold"), headers=admin.headers
    )
    grant_id = created.json()["grantId"]
    other = admin_factory("boss@other.example", tenant="other")
    for method, url in (
        ("GET", f"/v3/users/{user}/grants"),
        ("GET", f"/v3/users/{user}/grants/{grant_id}"),
        ("DELETE", f"/v3/users/{user}/grants/{grant_id}"),
        ("GET", f"/v3/users/{user}/accessModel"),
    ):
        assert (await client.request(method, url, headers=other.headers)).status_code == 404
    # The same grant id may be used in another tenant.
    other_user = await new_user(client, other, "joe@company.com")
    # This tenant's products cannot be granted there.
    refused = await client.post(
        f"/v3/users/{other_user}/grants", json=entitlement("gold"), headers=other.headers
    )
    assert refused.status_code == 404
    await add_entitlements(client, other, "x")
    reuse = await client.post(
        f"/v3/users/{other_user}/grants/{grant_id}", json=entitlement("x"), headers=other.headers
    )
    assert reuse.status_code == 201
