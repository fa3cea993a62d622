"""Forms (fields of the User Schema) and static items, saved by the client's own key."""

from __future__ import annotations

import httpx

from tests.impl.blaize.conftest import Admin, AdminFactory

FORM = {
    "title": "Test",
    "internal-description": "This form is for testing",
    "public-description": "Please provide some info",
    "registration": True,
    "fields": [
        {"slug": "last-name", "placeholder": "Last name", "required": False, "order": 2},
        {"slug": "first-name", "placeholder": "First name", "required": True, "order": 1},
    ],
}


async def add_schema_fields(client: httpx.AsyncClient, admin: Admin, *slugs: str) -> None:
    for slug in slugs:
        saved = await client.put(
            f"/v3/schema/users/{slug}", json={"input-type": "text"}, headers=admin.headers
        )
        assert saved.status_code in (200, 201), saved.text


async def test_form_is_created_then_replaced(client: httpx.AsyncClient, admin: Admin) -> None:
    await add_schema_fields(client, admin, "first-name", "last-name")
    created = await client.put("/v3/forms/registration", json=FORM, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/blaize/v3/forms/registration"
    assert created.json() == {
        "message": "Form created successfully",
        "uri": "/blaize/v3/forms/registration",
    }
    got = await client.get("/v3/forms/registration", headers=admin.headers)
    assert got.json() == {"slug": "registration", **FORM}

    replacement = {"title": "Shorter", "fields": [{"slug": "first-name"}]}
    replaced = await client.put("/v3/forms/registration", json=replacement, headers=admin.headers)
    assert replaced.status_code == 200
    assert "location" not in replaced.headers
    assert (await client.get("/v3/forms/registration", headers=admin.headers)).json() == {
        "slug": "registration",
        "title": "Shorter",
        "fields": [{"slug": "first-name"}],
    }

    await client.put("/v3/forms/a-profile", json={}, headers=admin.headers)
    listing = (await client.get("/v3/forms", headers=admin.headers)).json()
    assert [form["slug"] for form in listing["results"]] == ["a-profile", "registration"]
    assert listing["results"][0] == {"slug": "a-profile", "fields": []}

    deleted = await client.delete("/v3/forms/registration", headers=admin.headers)
    assert deleted.status_code == 200
    assert (await client.get("/v3/forms/registration", headers=admin.headers)).status_code == 404
    again = await client.delete("/v3/forms/registration", headers=admin.headers)
    assert again.status_code == 404


async def test_form_fields_must_be_schema_fields_listed_once(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await add_schema_fields(client, admin, "first-name")
    unknown = await client.put(
        "/v3/forms/profile",
        json={"title": "P", "fields": [{"slug": "first-name"}, {"slug": "shoe-size"}]},
        headers=admin.headers,
    )
    assert unknown.status_code == 404
    assert "shoe-size" in unknown.json()["message"]
    twice = await client.put(
        "/v3/forms/profile",
        json={"fields": [{"slug": "first-name"}, {"slug": "first-name", "order": 3}]},
        headers=admin.headers,
    )
    assert twice.status_code == 409
    assert twice.json()["error"] == "conflict"
    # Neither refusal wrote anything.
    assert (await client.get("/v3/forms/profile", headers=admin.headers)).status_code == 404


async def test_form_order_is_bounded_and_nul_refused(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await add_schema_fields(client, admin, "first-name")
    too_big = {"fields": [{"slug": "first-name", "order": 2**31}]}
    assert (await client.put("/v3/forms/f", json=too_big, headers=admin.headers)).status_code == 400
    largest = {"fields": [{"slug": "first-name", "order": 2**31 - 1}]}
    assert (await client.put("/v3/forms/f", json=largest, headers=admin.headers)).status_code == 201
    nul_title = await client.put("/v3/forms/f", json={"title": "a\x00b"}, headers=admin.headers)
    assert nul_title.status_code == 409
    assert (await client.get("/v3/forms/f", headers=admin.headers)).json()["fields"] == [
        {"slug": "first-name", "order": 2**31 - 1}
    ]
    assert (await client.put("/v3/forms/a%00b", json={}, headers=admin.headers)).status_code == 409
    assert (await client.get("/v3/forms/a%00b", headers=admin.headers)).status_code == 404


async def test_static_item_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    created = await client.put(
        "/v3/static/terms", json={"item": "Lorem ipsum..."}, headers=admin.headers
    )
    assert created.status_code == 201
    assert created.headers["location"] == "/blaize/v3/static/terms"
    assert created.json() == {"id": "terms", "item": "Lorem ipsum..."}
    replaced = await client.put("/v3/static/terms", json={"item": ""}, headers=admin.headers)
    assert replaced.status_code == 200
    assert replaced.json() == {"id": "terms", "item": ""}
    got = await client.get("/v3/static/terms", headers=admin.headers)
    assert got.json() == {"id": "terms", "item": ""}

    await client.put("/v3/static/Banner", json={"item": "Hi"}, headers=admin.headers)
    listing = (await client.get("/v3/static", headers=admin.headers)).json()
    assert listing == {"results": [{"id": "Banner"}, {"id": "terms"}]}

    assert (await client.delete("/v3/static/terms", headers=admin.headers)).status_code == 200
    assert (await client.get("/v3/static/terms", headers=admin.headers)).status_code == 404
    assert (await client.delete("/v3/static/terms", headers=admin.headers)).status_code == 404
    not_text = await client.put("/v3/static/x", json={"item": 3}, headers=admin.headers)
    assert not_text.status_code == 400


async def test_static_item_nul_is_refused(client: httpx.AsyncClient, admin: Admin) -> None:
    refused = await client.put("/v3/static/x", json={"item": "a\x00"}, headers=admin.headers)
    assert refused.status_code == 409
    assert (await client.get("/v3/static/x", headers=admin.headers)).status_code == 404
    assert (await client.get("/v3/static", headers=admin.headers)).json() == {"results": []}


async def test_other_tenants_and_viewers(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    await add_schema_fields(client, admin, "first-name")
    await client.put(
        "/v3/forms/reg", json={"fields": [{"slug": "first-name"}]}, headers=admin.headers
    )
    await client.put("/v3/static/terms", json={"item": "T"}, headers=admin.headers)

    other = admin_factory("boss@other.example", tenant="other")
    for path in ("/v3/forms/reg", "/v3/static/terms"):
        assert (await client.get(path, headers=other.headers)).status_code == 404
        assert (await client.delete(path, headers=other.headers)).status_code == 404
    assert (await client.get("/v3/forms", headers=other.headers)).json() == {"results": []}
    assert (await client.get("/v3/static", headers=other.headers)).json() == {"results": []}
    # The other tenant's schema has no first-name field: its own form cannot use it.
    foreign = await client.put(
        "/v3/forms/reg", json={"fields": [{"slug": "first-name"}]}, headers=other.headers
    )
    assert foreign.status_code == 404
    # Its own static item of the same id is a different item.
    mine = await client.put("/v3/static/terms", json={"item": "O"}, headers=other.headers)
    assert mine.status_code == 201
    assert (await client.get("/v3/static/terms", headers=admin.headers)).json()["item"] == "T"

    viewer = admin_factory("viewer@example.com", role="viewer")
    assert (await client.get("/v3/forms/reg", headers=viewer.headers)).status_code == 200
    assert (await client.get("/v3/static/terms", headers=viewer.headers)).status_code == 200
    writes = [
        client.put("/v3/forms/reg", json={}, headers=viewer.headers),
        client.delete("/v3/forms/reg", headers=viewer.headers),
        client.put("/v3/static/terms", json={"item": "V"}, headers=viewer.headers),
        client.delete("/v3/static/terms", headers=viewer.headers),
    ]
    for write in writes:
        assert (await write).status_code == 403
    assert (await client.get("/v3/static/terms", headers=admin.headers)).json()["item"] == "T"
