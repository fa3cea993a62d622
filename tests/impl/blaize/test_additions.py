"""The operations added to the published API so that its data can exist: origin responses
(for evictions), extended profiles (for the export's ``appIds``) and account grants."""

from __future__ import annotations

import httpx

from tests.impl.blaize.conftest import Admin


async def test_recorded_origin_responses_are_what_evict_origin_evicts(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    configuration = {"conditions": {"url_pattern": "^/news/"}, "cache": {"origin": True}}
    made = await client.post("/v3/cache-configurations", json=configuration, headers=admin.headers)
    assert made.status_code == 201, made.text
    for path in ("/news/today", "/news/local"):
        recorded = await client.post(
            "/v3/cache-management/origin-responses", json={"path": path}, headers=admin.headers
        )
        assert recorded.status_code == 201, recorded.text
        assert recorded.json()["path"] == path
    skipped = await client.post(
        "/v3/cache-management/origin-responses",
        json={"path": "/forum/welcome", "headers": {"User-Agent": "x"}},
        headers=admin.headers,
    )
    assert skipped.status_code == 200 and "Not cached" in skipped.json()["message"]
    evicted = await client.post(
        "/v3/cache-management/evict-origin",
        content=b"/news/to.*",
        headers={**admin.headers, "Content-Type": "text/plain"},
    )
    assert evicted.json()["evicted"] == ["/news/today"]
    listed = await client.get("/v3/cache-management/origin-responses", headers=admin.headers)
    state = {entry["path"]: "evicted_at" in entry for entry in listed.json()["results"]}
    assert state == {"/news/local": False, "/news/today": True}
    bad = await client.post(
        "/v3/cache-management/origin-responses", json={"path": "news"}, headers=admin.headers
    )
    assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "path"


async def test_saved_extended_profiles_are_exported_by_app(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    users = []
    for email in ("joe@company.com", "ann@company.com"):
        body = {"identifiers": {"email_address": email}, "validators": {"password": "pw"}}
        users.append((await client.post("/v3/users", json=body, headers=admin.headers)).json())
    joe = users[0]["user_id"]
    url = f"/v3/users/{joe}/extended-profiles/quiz1"
    assert (await client.get(url, headers=admin.headers)).status_code == 404
    first = await client.put(url, json={"score": 7}, headers=admin.headers)
    assert first.status_code == 200, first.text
    assert (await client.get(url, headers=admin.headers)).json() == {"score": 7}
    second = await client.put(url, json={"score": 8, "level": "gold"}, headers=admin.headers)
    assert second.status_code == 200
    assert (await client.get(url, headers=admin.headers)).json() == {"score": 8, "level": "gold"}
    exported = await client.get(
        "/v3/user-export", params={"appIds": "quiz1,survey4"}, headers=admin.headers
    )
    records = exported.json()
    assert [record["user"]["user_id"] for record in records] == [joe]
    assert records[0]["user"]["extended_profiles"] == {"quiz1": {"score": 8, "level": "gold"}}
    missing = await client.put(
        "/v3/users/nobody/extended-profiles/quiz1", json={}, headers=admin.headers
    )
    assert missing.status_code == 404


async def test_account_grants_are_created_listed_read_and_deleted(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    account = (
        await client.post("/v3/accounts", json={"name": "Acme"}, headers=admin.headers)
    ).json()["id"]
    entitlement = (
        await client.post("/v3/entitlements", json={"label": "premium"}, headers=admin.headers)
    ).json()["id"]
    product = {"entitlement_type": "entitlement", "entitlement_id": entitlement}
    created = await client.post(
        f"/v3/accounts/{account}/grants", json=product, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    grant_id = created.json()["grantId"]
    assert created.headers["location"] == f"/blaize/v3/accounts/{account}/grants/{grant_id}"
    got = await client.get(f"/v3/accounts/{account}/grants/{grant_id}", headers=admin.headers)
    assert got.json() == {"grantId": grant_id, **product}
    listed = await client.get(f"/v3/accounts/{account}/grants", headers=admin.headers)
    assert listed.json() == {"results": [{"grantId": grant_id, **product}]}
    deleted = await client.delete(
        f"/v3/accounts/{account}/grants/{grant_id}", headers=admin.headers
    )
    assert deleted.status_code == 200
    gone = await client.get(f"/v3/accounts/{account}/grants/{grant_id}", headers=admin.headers)
    assert gone.status_code == 404
    unknown = {"entitlement_type": "entitlement", "entitlement_id": "missing"}
    refused = await client.post(
        f"/v3/accounts/{account}/grants", json=unknown, headers=admin.headers
    )
    assert refused.status_code == 404
    no_account = await client.post("/v3/accounts/nope/grants", json=product, headers=admin.headers)
    assert no_account.status_code == 404
