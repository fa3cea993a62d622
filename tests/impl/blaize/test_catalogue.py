"""Entitlements, bundles, meters, credits and products through HTTP: CRUD, upserts, references."""

from __future__ import annotations

import httpx
import pytest

from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.test_accounts_and_companies import new_user

COLLECTIONS = {
    "entitlement": "/v3/entitlements",
    "bundle": "/v3/bundles",
    "meter": "/v3/meters",
    "credit": "/v3/credits",
}
ONE_OFF = {"braintree_one_off": {"price_points": [{"id": "ten", "label": "Ten", "price": 10}]}}


async def add_product(
    client: httpx.AsyncClient, admin: Admin, kind: str, product_id: str, **fields: object
) -> None:
    """Create (or replace) a product of ``kind`` under ``product_id``."""
    response = await client.post(
        f"{COLLECTIONS[kind]}/{product_id}", json=fields, headers=admin.headers
    )
    assert response.status_code in (200, 201), response.text


async def add_entitlements(client: httpx.AsyncClient, admin: Admin, *ids: str) -> None:
    for entitlement_id in ids:
        await add_product(client, admin, "entitlement", entitlement_id, label=entitlement_id)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("entitlement", {"label": "Gold", "description": "All", "auto_assign": "registered"}),
        ("bundle", {"label": "B", "includes": {"entitlements": [], "bundles": []}}),
        ("meter", {"label": "M", "unit": "views", "limit": 5, "period": "weekly"}),
        ("credit", {"label": "C", "unit": "views", "quantity": 5, "delivers": []}),
    ],
)
async def test_product_lifecycle(
    client: httpx.AsyncClient, admin: Admin, kind: str, body: dict
) -> None:
    collection = COLLECTIONS[kind]
    created = await client.post(collection, json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    uri = f"/blaize{collection}/{product_id}"
    assert created.json()["uri"] == uri and created.headers["location"] == uri
    got = await client.get(f"{collection}/{product_id}", headers=admin.headers)
    assert got.status_code == 200
    stored = got.json()
    assert stored["id"] == product_id and {**stored, **body} == stored
    assert stored.get("auto_assign") == body.get("auto_assign", "none")
    listing = await client.get(collection, headers=admin.headers)
    assert listing.json() == {"results": [stored]}

    # Upsert: created under a chosen id, then replaced (omitted fields back to defaults).
    chosen = f"{collection}/my-{kind}"
    first = await client.post(chosen, json=body, headers=admin.headers)
    assert first.status_code == 201 and first.headers["location"] == f"/blaize{chosen}"
    assert first.json()["message"] == f"{kind.capitalize()} created successfully"
    second = await client.post(chosen, json={"label": "Renamed"}, headers=admin.headers)
    assert second.status_code == 200
    assert second.json() == {
        "id": f"my-{kind}",
        "message": f"{kind.capitalize()} updated successfully",
        "uri": f"/blaize{chosen}",
    }
    replaced = (await client.get(chosen, headers=admin.headers)).json()
    assert replaced["label"] == "Renamed" and "description" not in replaced
    assert replaced["auto_assign"] == "none"

    assert (await client.delete(chosen, headers=admin.headers)).status_code == 200
    assert (await client.get(chosen, headers=admin.headers)).status_code == 404
    assert (await client.delete(chosen, headers=admin.headers)).status_code == 404
    listed = (await client.get(collection, headers=admin.headers)).json()["results"]
    assert [item["id"] for item in listed] == [product_id]


async def test_meter_defaults_and_bounds(client: httpx.AsyncClient, admin: Admin) -> None:
    await add_product(client, admin, "meter", "plain")
    assert (await client.get("/v3/meters/plain", headers=admin.headers)).json() == {
        "id": "plain",
        "limit": 0,
        "cycle": "calendar",
        "period": "monthly",
        "timezone": "+0:00",
        "delivers": [],
        "auto_assign": "none",
    }
    for invalid in (
        {"limit": 2147483648},
        {"limit": -1},
        {"period": "hourly"},
        {"cycle": "lunar"},
        {"timezone": "+24:00"},
        {"timezone": "+5:60"},
        {"auto_assign": "friends"},
    ):
        refused = await client.post("/v3/meters", json=invalid, headers=admin.headers)
        assert refused.status_code == 400, invalid
    assert (
        await client.post("/v3/credits", json={"quantity": 2**31}, headers=admin.headers)
    ).status_code == 400


async def test_references_must_exist(client: httpx.AsyncClient, admin: Admin) -> None:
    for path, body in (
        ("/v3/bundles", {"includes": {"entitlements": ["nothing"]}}),
        ("/v3/bundles/b", {"includes": {"meters": ["nothing"]}}),
        ("/v3/bundles/b", {"includes": {"credits": ["nothing"]}}),
        ("/v3/bundles/b", {"includes": {"bundles": ["nothing"]}}),
        ("/v3/credits", {"delivers": ["nothing"]}),
        ("/v3/credits/c", {"delivers": ["nothing"]}),
        ("/v3/meters", {"delivers": ["nothing"]}),
        ("/v3/meters/m", {"delivers": ["nothing"]}),
    ):
        refused = await client.post(path, json=body, headers=admin.headers)
        assert refused.status_code == 404, (path, refused.text)
        assert "'nothing' not found" in refused.json()["message"]
    # Nothing was written by the refusals.
    for collection in COLLECTIONS.values():
        assert (await client.get(collection, headers=admin.headers)).json() == {"results": []}
    product = {"entitlement": {"id": "nothing", "type": "bundle"}, "mapping": ONE_OFF}
    refused = await client.put("/v3/products/p", json=product, headers=admin.headers)
    assert refused.status_code == 404
    assert (await client.get("/v3/products/p", headers=admin.headers)).status_code == 404
    # The same ids of another kind do not count.
    await add_entitlements(client, admin, "gold")
    wrong_kind = {"includes": {"bundles": ["gold"]}}
    assert (
        await client.post("/v3/bundles", json=wrong_kind, headers=admin.headers)
    ).status_code == 404


async def test_referenced_products_are_not_deleted(client: httpx.AsyncClient, admin: Admin) -> None:
    await add_entitlements(client, admin, "news", "archive")
    await add_product(client, admin, "meter", "free", limit=3, delivers=["news"])
    await add_product(client, admin, "credit", "pack", quantity=2, delivers=["archive"])
    await add_product(
        client,
        admin,
        "bundle",
        "gold",
        includes={"entitlements": ["news"], "meters": ["free"], "credits": ["pack"]},
    )
    # A bundle may include itself (or bundles including it back).
    await add_product(client, admin, "bundle", "loop", includes={"bundles": ["loop", "gold"]})
    product = {"entitlement": {"id": "gold", "type": "bundle"}, "mapping": ONE_OFF}
    saved = await client.put("/v3/products/month", json=product, headers=admin.headers)
    assert saved.status_code == 201

    for path, referrers in (
        ("/v3/entitlements/news", "bundle 'gold', meter 'free'"),
        ("/v3/entitlements/archive", "credit 'pack'"),
        ("/v3/meters/free", "bundle 'gold'"),
        ("/v3/credits/pack", "bundle 'gold'"),
        ("/v3/bundles/gold", "bundle 'loop', product 'month'"),
    ):
        refused = await client.delete(path, headers=admin.headers)
        assert refused.status_code == 409, path
        assert refused.json()["message"].endswith(f"is still referred to by {referrers}")
        assert (await client.get(path, headers=admin.headers)).status_code == 200

    # Removing the references frees them: each delete then succeeds.
    for path in (
        "/v3/products/month",
        "/v3/bundles/loop",
        "/v3/bundles/gold",
        "/v3/meters/free",
        "/v3/credits/pack",
        "/v3/entitlements/news",
        "/v3/entitlements/archive",
    ):
        assert (await client.delete(path, headers=admin.headers)).status_code == 200, path


async def test_a_saved_again_reference_moves_with_the_save(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    for bundle in ("gold", "silver"):
        await add_product(client, admin, "bundle", bundle, includes={})
    product = {"entitlement": {"id": "gold", "type": "bundle"}, "mapping": ONE_OFF}
    for expected in (201, 200):  # created, then saved unchanged: gold stays referred to
        saved = await client.put("/v3/products/month", json=product, headers=admin.headers)
        assert saved.status_code == expected, saved.text
        assert (await client.delete("/v3/bundles/gold", headers=admin.headers)).status_code == 409
    product["entitlement"]["id"] = "silver"
    moved = await client.put("/v3/products/month", json=product, headers=admin.headers)
    assert moved.status_code == 200, moved.text
    refused = await client.delete("/v3/bundles/silver", headers=admin.headers)
    assert refused.status_code == 409
    assert refused.json()["message"].endswith("is still referred to by product 'month'")
    assert (await client.delete("/v3/bundles/gold", headers=admin.headers)).status_code == 200


async def test_bundle_includes_and_product_mappings_are_kept_as_written(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await add_entitlements(client, admin, "a", "b")
    includes = {"entitlements": ["b", "a", "b"], "credits": []}
    await add_product(client, admin, "bundle", "ab", includes=includes)
    got = (await client.get("/v3/bundles/ab", headers=admin.headers)).json()
    assert got["includes"] == includes

    body = {
        "id": "yearly",
        "label": "A year",
        "entitlement": {"id": "ab", "type": "bundle"},
        "mapping": {"braintree_recurring": {"plan_id": "year-plan"}},
    }
    created = await client.put("/v3/products/yearly", json=body, headers=admin.headers)
    assert created.status_code == 201 and created.json() == body
    assert created.headers["location"] == "/blaize/v3/products/yearly"
    body.pop("id")
    body["mapping"] = ONE_OFF
    replaced = await client.put("/v3/products/yearly", json=body, headers=admin.headers)
    assert replaced.status_code == 200 and replaced.json() == {"id": "yearly", **body}
    assert (await client.get("/v3/products", headers=admin.headers)).json() == {
        "results": [{"id": "yearly", **body}]
    }
    mismatch = await client.put(
        "/v3/products/yearly", json={**body, "id": "other"}, headers=admin.headers
    )
    assert mismatch.status_code == 409
    both = {**body, "mapping": {**ONE_OFF, "braintree_recurring": {"plan_id": "p"}}}
    assert (
        await client.put("/v3/products/yearly", json=both, headers=admin.headers)
    ).status_code == 400
    not_bundle = {**body, "entitlement": {"id": "a", "type": "entitlement"}}
    assert (
        await client.put("/v3/products/yearly", json=not_bundle, headers=admin.headers)
    ).status_code == 400
    assert (await client.delete("/v3/products/yearly", headers=admin.headers)).status_code == 200
    assert (await client.get("/v3/products/yearly", headers=admin.headers)).status_code == 404
    assert (await client.delete("/v3/products/yearly", headers=admin.headers)).status_code == 404


async def test_deleting_a_product_deletes_its_grants(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    user = await new_user(client, admin, "joe@company.com")
    await add_entitlements(client, admin, "gold")
    grant = {"entitlement_type": "entitlement", "entitlement_id": "gold"}
    created = await client.post(f"/v3/users/{user}/grants", json=grant, headers=admin.headers)
    grant_id = created.json()["grantId"]
    assert (await client.delete("/v3/entitlements/gold", headers=admin.headers)).status_code == 200
    assert (
        await client.get(f"/v3/users/{user}/grants/{grant_id}", headers=admin.headers)
    ).status_code == 404
    # Granting it again is refused, as for any product that does not exist.
    refused = await client.post(f"/v3/users/{user}/grants", json=grant, headers=admin.headers)
    assert refused.status_code == 404
    assert (
        await client.post(f"/v3/users/{user}/grants/g1", json=grant, headers=admin.headers)
    ).status_code == 404


async def test_catalogue_is_per_tenant(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    await add_entitlements(client, admin, "gold")
    await add_product(client, admin, "bundle", "gold-bundle", includes={"entitlements": ["gold"]})
    product = {"entitlement": {"id": "gold-bundle", "type": "bundle"}, "mapping": ONE_OFF}
    await client.put("/v3/products/month", json=product, headers=admin.headers)
    other = admin_factory("boss@other.example", tenant="other")
    for path in ("/v3/entitlements/gold", "/v3/bundles/gold-bundle", "/v3/products/month"):
        assert (await client.get(path, headers=other.headers)).status_code == 404
        assert (await client.delete(path, headers=other.headers)).status_code == 404
    for collection in (*COLLECTIONS.values(), "/v3/products"):
        assert (await client.get(collection, headers=other.headers)).json() == {"results": []}
    # Another tenant cannot refer to this tenant's products, and may reuse their ids.
    refused = await client.post(
        "/v3/bundles", json={"includes": {"entitlements": ["gold"]}}, headers=other.headers
    )
    assert refused.status_code == 404
    assert (
        await client.post("/v3/entitlements/gold", json={}, headers=other.headers)
    ).status_code == 201
    assert (await client.get("/v3/entitlements/gold", headers=admin.headers)).json()[
        "label"
    ] == "gold"


async def test_viewers_read_the_catalogue_but_do_not_change_it(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    viewer = admin_factory("viewer@example.com", role="viewer")
    await add_entitlements(client, admin, "gold")
    assert (await client.get("/v3/entitlements/gold", headers=viewer.headers)).status_code == 200
    product = {"entitlement": {"id": "b", "type": "bundle"}, "mapping": ONE_OFF}
    for method, path, body in (
        ("POST", "/v3/entitlements", {}),
        ("POST", "/v3/entitlements/gold", {"label": "x"}),
        ("DELETE", "/v3/entitlements/gold", None),
        ("POST", "/v3/bundles", {}),
        ("POST", "/v3/meters/m", {}),
        ("DELETE", "/v3/credits/c", None),
        ("PUT", "/v3/products/p", product),
        ("POST", "/v3/gift", {"uri": "/a"}),
    ):
        refused = await client.request(method, path, json=body, headers=viewer.headers)
        assert refused.status_code == 403, (method, path)
    assert (await client.get("/v3/entitlements/gold", headers=admin.headers)).json()[
        "label"
    ] == "gold"


async def test_nul_is_refused_and_names_nothing(client: httpx.AsyncClient, admin: Admin) -> None:
    for method, path, body in (
        ("POST", "/v3/entitlements", {"label": "a\u0000b"}),
        ("POST", "/v3/entitlements/a%00b", {}),
        ("POST", "/v3/credits/c", {"unit": "\u0000"}),
        (
            "PUT",
            "/v3/products/p",
            {"label": "\u0000", "entitlement": {"id": "b", "type": "bundle"}, "mapping": ONE_OFF},
        ),
        ("POST", "/v3/gift", {"uri": "/\u0000"}),
    ):
        refused = await client.request(method, path, json=body, headers=admin.headers)
        assert refused.status_code == 409, (path, refused.text)
    for path in ("/v3/entitlements/a%00b", "/v3/products/a%00b", "/v3/meters/a%00b"):
        assert (await client.get(path, headers=admin.headers)).status_code == 404
    assert (await client.delete("/v3/gift/a%00b", headers=admin.headers)).status_code == 404
    assert (await client.get("/v3/entitlements", headers=admin.headers)).json() == {"results": []}


async def test_chosen_ids_are_percent_encoded_in_location(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    """Header values are ASCII: the Location header carries a chosen id percent-encoded."""
    gift = "%F0%9F%8E%81"  # U+1F381, which no header could carry as it is
    created = await client.post(f"/v3/entitlements/{gift}", json={}, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/blaize/v3/entitlements/{gift}"
    assert created.json()["uri"] == "/blaize/v3/entitlements/\U0001f381"
    await add_product(client, admin, "bundle", "b", includes={"entitlements": ["\U0001f381"]})
    product = {"entitlement": {"id": "b", "type": "bundle"}, "mapping": ONE_OFF}
    saved = await client.put(f"/v3/products/{gift}", json=product, headers=admin.headers)
    assert saved.headers["location"] == f"/blaize/v3/products/{gift}"
    user = await new_user(client, admin, "joe@company.com")
    grant = {"entitlement_type": "entitlement", "entitlement_id": "\U0001f381"}
    granted = await client.post(
        f"/v3/users/{user}/grants/{gift}", json=grant, headers=admin.headers
    )
    assert granted.headers["location"] == f"/blaize/v3/users/{user}/grants/{gift}"
