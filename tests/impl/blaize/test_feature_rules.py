"""Feature rules: numbered versions that are never renumbered, and tags that move."""

from __future__ import annotations

import re

import httpx

from tests.impl.blaize.conftest import Admin, AdminFactory

VERSION = {
    "label": "Test feature",
    "description": "Test feature",
    "requirements_script": "return []",
    "action_script": 'return "this is a test"',
    "script_type": "javascript",
    "graph_state": '{"property1": "value1"}',
    "editing_mode": "manual",
}
SEED_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")


async def new_version(
    client: httpx.AsyncClient, admin: Admin, rule: str, **body: str
) -> httpx.Response:
    response = await client.post(
        f"/v3/feature-rules/{rule}/versions", json=body or VERSION, headers=admin.headers
    )
    assert response.status_code in (200, 201), response.text
    return response


async def numbers(client: httpx.AsyncClient, admin: Admin, rule: str) -> list[int]:
    listing = await client.get(f"/v3/feature-rules/{rule}/versions", headers=admin.headers)
    if listing.status_code == 404:
        return []
    return [version["version"] for version in listing.json()]


async def save_tags(
    client: httpx.AsyncClient, admin: Admin, rule: str, version: int, tags: list[str]
) -> httpx.Response:
    return await client.put(
        f"/v3/feature-rules/{rule}/versions/{version}/tags", json=tags, headers=admin.headers
    )


async def tags_of(client: httpx.AsyncClient, admin: Admin, rule: str) -> dict[int, list[str]]:
    listing = await client.get(f"/v3/feature-rules/{rule}/versions", headers=admin.headers)
    return {version["version"]: version["tags"] for version in listing.json()}


async def test_first_version_creates_the_rule(client: httpx.AsyncClient, admin: Admin) -> None:
    first = await new_version(client, admin, "checkout")
    assert first.status_code == 201
    uri = "/blaize/v3/feature-rules/checkout/versions/1"
    assert first.json() == {
        "message": "Feature Rule created successfully",
        "uri": uri,
        "version": 1,
    }
    assert first.headers["location"] == uri
    second = await new_version(client, admin, "checkout", label="Second")
    assert second.status_code == 200
    assert second.json()["version"] == 2
    assert "location" not in second.headers

    got = await client.get("/v3/feature-rules/checkout/versions/1", headers=admin.headers)
    body = got.json()
    assert SEED_TIME.match(body.pop("last_updated"))
    assert body == {"id": "checkout", "version": 1, "tags": [], **VERSION}
    versions = (
        await client.get("/v3/feature-rules/checkout/versions", headers=admin.headers)
    ).json()
    assert [(v["version"], v.get("label")) for v in versions] == [
        (1, "Test feature"),
        (2, "Second"),
    ]
    assert "action_script" not in versions[0]  # versions are listed as summaries

    await new_version(client, admin, "banner")
    rules = (await client.get("/v3/feature-rules", headers=admin.headers)).json()
    assert [(rule["id"], rule["version"], rule["label"]) for rule in rules] == [
        ("banner", 1, "Test feature"),
        ("checkout", 2, "Second"),
    ]
    assert "requirements_script" not in rules[0]


async def test_version_numbers_are_never_reused(client: httpx.AsyncClient, admin: Admin) -> None:
    for _ in range(3):
        await new_version(client, admin, "promo")
    latest = "/v3/feature-rules/promo/versions/3"
    deleted = await client.delete(latest, headers=admin.headers)
    assert deleted.status_code == 200
    assert deleted.json() == {"message": "promo version 3 deleted successfully"}
    assert (await client.get(latest, headers=admin.headers)).status_code == 404
    assert (await client.delete(latest, headers=admin.headers)).status_code == 404
    assert (await new_version(client, admin, "promo")).json()["version"] == 4
    assert await numbers(client, admin, "promo") == [1, 2, 4]
    listed = (await client.get("/v3/feature-rules", headers=admin.headers)).json()
    assert [rule["version"] for rule in listed] == [4]

    # Deleting the whole rule, then using its id again, continues the numbering.
    gone = await client.delete("/v3/feature-rules/promo", headers=admin.headers)
    assert gone.json() == {"message": "promo deleted successfully"}
    assert (await client.get("/v3/feature-rules", headers=admin.headers)).json() == []
    assert (
        await client.get("/v3/feature-rules/promo/versions", headers=admin.headers)
    ).status_code == 404
    assert (
        await client.delete("/v3/feature-rules/promo", headers=admin.headers)
    ).status_code == 404
    again = await new_version(client, admin, "promo")
    assert again.status_code == 201
    assert again.json()["version"] == 5

    # Deleting the last version deletes the rule, and the number stays used.
    await client.delete("/v3/feature-rules/promo/versions/5", headers=admin.headers)
    assert await numbers(client, admin, "promo") == []
    assert (await new_version(client, admin, "promo")).json()["version"] == 6


async def test_version_ids_that_name_nothing(client: httpx.AsyncClient, admin: Admin) -> None:
    await new_version(client, admin, "r")
    # Not a number: no version path at all (404); a number out of range: 400.
    expected = {"01": 200, "2": 404, "x": 404, "0": 400, "-1": 400, "2147483648": 400}
    for version_id, status in expected.items():
        path = f"/v3/feature-rules/r/versions/{version_id}"
        answer = await client.get(path, headers=admin.headers)
        assert answer.status_code == status, version_id
        assert answer.json().get("status", 200) == status
    assert (
        await client.get("/v3/feature-rules/unknown/versions", headers=admin.headers)
    ).status_code == 404


async def test_tags_move_between_versions(client: httpx.AsyncClient, admin: Admin) -> None:
    for _ in range(3):
        await new_version(client, admin, "search")
    first = await save_tags(client, admin, "search", 1, ["live", "draft", "live"])
    assert first.status_code == 201
    assert first.json() == {
        "message": "search tag/s saved successfully",
        "uri": "/blaize/v3/feature-rules/search/versions/1/tags",
    }
    assert await tags_of(client, admin, "search") == {1: ["draft", "live"], 2: [], 3: []}

    # "draft" moves to version 3; version 1 keeps "live".
    assert (await save_tags(client, admin, "search", 3, ["draft"])).status_code == 201
    assert await tags_of(client, admin, "search") == {1: ["live"], 2: [], 3: ["draft"]}
    # Replacing version 3's tags: "live" moves there too, "draft" is dropped.
    replaced = await save_tags(client, admin, "search", 3, ["live", "beta"])
    assert replaced.status_code == 200
    assert await tags_of(client, admin, "search") == {1: [], 2: [], 3: ["beta", "live"]}
    rules = (await client.get("/v3/feature-rules", headers=admin.headers)).json()
    assert rules[0]["tags"] == ["beta", "live"]

    # Tags go with their version.
    await client.delete("/v3/feature-rules/search/versions/3", headers=admin.headers)
    assert await tags_of(client, admin, "search") == {1: [], 2: []}
    assert (await save_tags(client, admin, "search", 3, ["x"])).status_code == 404
    assert (await save_tags(client, admin, "search", 2, [""])).status_code == 400
    assert (await save_tags(client, admin, "search", 2, ["a\x00"])).status_code == 409
    assert await tags_of(client, admin, "search") == {1: [], 2: []}


async def test_nul_is_refused(client: httpx.AsyncClient, admin: Admin) -> None:
    refused = await client.post(
        "/v3/feature-rules/r/versions", json={"label": "a\x00"}, headers=admin.headers
    )
    assert refused.status_code == 409
    assert (
        await client.post("/v3/feature-rules/a%00/versions", json={}, headers=admin.headers)
    ).status_code == 409
    assert (
        await client.get("/v3/feature-rules/a%00/versions", headers=admin.headers)
    ).status_code == 404
    assert (await client.get("/v3/feature-rules", headers=admin.headers)).json() == []
    # The refused request issued no number.
    assert (await new_version(client, admin, "r")).json()["version"] == 1


async def test_other_tenants_and_viewers(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    await new_version(client, admin, "checkout")
    other = admin_factory("boss@other.example", tenant="other")
    for path in ("/v3/feature-rules/checkout/versions", "/v3/feature-rules/checkout/versions/1"):
        assert (await client.get(path, headers=other.headers)).status_code == 404
    for path in ("/v3/feature-rules/checkout", "/v3/feature-rules/checkout/versions/1"):
        assert (await client.delete(path, headers=other.headers)).status_code == 404
    assert (await save_tags(client, other, "checkout", 1, ["live"])).status_code == 404
    assert (await client.get("/v3/feature-rules", headers=other.headers)).json() == []
    # The same id in another tenant is another rule, numbered on its own.
    theirs = await new_version(client, other, "checkout")
    assert (theirs.status_code, theirs.json()["version"]) == (201, 1)

    viewer = admin_factory("viewer@example.com", role="viewer")
    assert len((await client.get("/v3/feature-rules", headers=viewer.headers)).json()) == 1
    refused = [
        await client.post("/v3/feature-rules/checkout/versions", json={}, headers=viewer.headers),
        await save_tags(client, viewer, "checkout", 1, ["live"]),
        await client.delete("/v3/feature-rules/checkout/versions/1", headers=viewer.headers),
        await client.delete("/v3/feature-rules/checkout", headers=viewer.headers),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    assert await numbers(client, admin, "checkout") == [1]
    assert await tags_of(client, admin, "checkout") == {1: []}


async def test_version_numbers_of_any_length_are_answered_in_the_blaize_envelope(
    client: httpx.AsyncClient, admin_factory: AdminFactory
) -> None:
    """Too large for the version range: 400; too long to be read as a number at all: 404."""
    admin = admin_factory("digits@example.com")
    await new_version(client, admin, "long-numbers")
    for digits, status in (("9" * 20, 400), ("9" * 5000, 404)):
        response = await client.get(
            f"/v3/feature-rules/long-numbers/versions/{digits}", headers=admin.headers
        )
        assert response.status_code == status, response.text[:300]
        assert response.json()["status"] == status
