"""Cache configurations, the CDN's cached origin responses, and their eviction.

The cached responses are recorded the way the CDN edge records them
(``origin_cache.record_origin_response`` on the real database); everything else goes
through HTTP.
"""

from __future__ import annotations

import httpx

from contractkit.impl.blaize.content.origin_cache import record_origin_response
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory

SEED_CONFIGURATION = {
    "label": "Test",
    "conditions": {"url_pattern": "^/forum", "header_patterns": {"Content-Type": "^text/html"}},
    "cache": {"origin": False, "decision_points": False},
}
NEWS = {
    "label": "News pages",
    "conditions": {"url_pattern": "^/(news|forum)", "header_patterns": {"accept": "html"}},
    "cache": {"origin": True},
}
HTML = {"Accept": "text/html"}


def edge_fetched(database: Database, tenant: str, path: str, headers: dict[str, str]) -> bool:
    """The edge fetched ``path`` from the origin; whether it was cached."""
    with database.transaction() as session:
        return record_origin_response(session, tenant, path, headers) is not None


async def configure(client: httpx.AsyncClient, admin: Admin, body: dict) -> str:
    created = await client.post("/v3/cache-configurations", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def evict(client: httpx.AsyncClient, admin: Admin, pattern: str) -> httpx.Response:
    return await client.post(
        "/v3/cache-management/evict-origin",
        content=pattern.encode(),
        headers={**admin.headers, "Content-Type": "text/plain"},
    )


async def cached(client: httpx.AsyncClient, admin: Admin) -> dict[str, dict]:
    listing = await client.get("/v3/cache-management/origin-responses", headers=admin.headers)
    assert listing.status_code == 200
    return {entry["path"]: entry for entry in listing.json()["results"]}


async def test_cache_configuration_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    created = await client.post(
        "/v3/cache-configurations", json=SEED_CONFIGURATION, headers=admin.headers
    )
    assert created.status_code == 201
    config_id = created.json()["id"]
    uri = f"/blaize/v3/cache-configurations/{config_id}"
    assert created.headers["location"] == created.json()["uri"] == uri
    got = await client.get(f"/v3/cache-configurations/{config_id}", headers=admin.headers)
    assert got.json() == {"id": config_id, **SEED_CONFIGURATION}

    updated = await client.put(
        f"/v3/cache-configurations/{config_id}", json={"label": "Renamed"}, headers=admin.headers
    )
    assert updated.status_code == 200
    assert updated.json() == {"id": config_id, "label": "Renamed"}
    second = await configure(client, admin, NEWS)
    listing = (await client.get("/v3/cache-configurations", headers=admin.headers)).json()
    assert listing == {"results": [{"id": config_id, "label": "Renamed"}, {"id": second, **NEWS}]}

    path = f"/v3/cache-configurations/{config_id}"
    assert (await client.delete(path, headers=admin.headers)).status_code == 200
    assert (await client.get(path, headers=admin.headers)).status_code == 404
    assert (await client.put(path, json={}, headers=admin.headers)).status_code == 404
    assert (await client.delete(path, headers=admin.headers)).status_code == 404


async def test_configuration_patterns_must_compile(client: httpx.AsyncClient, admin: Admin) -> None:
    for conditions in (
        {"url_pattern": "^/forum("},
        {"header_patterns": {"Content-Type": "[text"}},
        {"header_patterns": {"X-Site": "*a"}},
        {"url_pattern": "^/forum", "unknown": "member"},
        # Valid for Python alone, or for Java alone: not in the syntax they share.
        {"url_pattern": "(?P<section>forum)"},
        {"url_pattern": "^/forum}"},
        {"header_patterns": {"Accept": "\\p{Alpha}+"}},
        {"header_patterns": {"Accept": "html++"}},
    ):
        refused = await client.post(
            "/v3/cache-configurations", json={"conditions": conditions}, headers=admin.headers
        )
        assert refused.status_code == 400, conditions
    nul = await client.post(
        "/v3/cache-configurations", json={"label": "a\x00"}, headers=admin.headers
    )
    assert nul.status_code == 409
    listing = await client.get("/v3/cache-configurations", headers=admin.headers)
    assert listing.json() == {"results": []}


async def test_configurations_decide_what_is_cached(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    seed_id = await configure(client, admin, SEED_CONFIGURATION)
    news_id = await configure(client, admin, NEWS)
    # The oldest configuration whose conditions hold decides: /forum HTML is not cached.
    assert not edge_fetched(database, admin.tenant, "/forum/a", {"content-type": "text/html"})
    # A forum page that is not text/html falls through to the news configuration.
    assert edge_fetched(database, admin.tenant, "/forum/b", {**HTML, "Content-Type": "text/css"})
    assert edge_fetched(database, admin.tenant, "/news/today", HTML)
    assert not edge_fetched(database, admin.tenant, "/news/today.json", {})
    assert not edge_fetched(database, admin.tenant, "/shop", HTML)
    entries = await cached(client, admin)
    assert set(entries) == {"/forum/b", "/news/today"}
    assert entries["/news/today"]["configuration_id"] == news_id
    assert "evicted_at" not in entries["/news/today"]
    assert seed_id not in {entry["configuration_id"] for entry in entries.values()}


async def test_eviction_marks_matching_entries_and_is_recorded(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await configure(client, admin, {"cache": {"origin": True}})
    for path in ("/news/today", "/news/local", "/newsroom", "/archive/news/old", "/"):
        assert edge_fetched(database, admin.tenant, path, {})

    answer = await evict(client, admin, "/news/.*")
    assert answer.status_code == 200, answer.text
    eviction = answer.json()
    assert eviction["message"] == "Cached origin requests evicted"
    assert eviction["pattern"] == "/news/.*"
    assert eviction["requested_by"] == admin.email
    assert eviction["requested_at"].endswith("Z")
    # The pattern matches whole paths, as Java's String.matches does.
    assert eviction["evicted"] == ["/news/local", "/news/today"]

    entries = await cached(client, admin)
    for path in ("/news/local", "/news/today"):
        assert entries[path]["eviction_id"] == eviction["id"]
        assert entries[path]["evicted_at"] == eviction["requested_at"]
    for path in ("/newsroom", "/archive/news/old", "/"):
        assert "evicted_at" not in entries[path]

    # Evicted entries are not evicted twice; a final line ending is allowed.
    again = await evict(client, admin, "/news/.*\n")
    assert again.status_code == 200
    assert again.json()["evicted"] == []
    # The edge caches an evicted path afresh on its next origin response.
    assert edge_fetched(database, admin.tenant, "/news/today", {})
    assert "evicted_at" not in (await cached(client, admin))["/news/today"]
    everything = await evict(client, admin, ".*news.*")
    assert everything.json()["evicted"] == ["/archive/news/old", "/news/today", "/newsroom"]

    history = await client.get("/v3/cache-management/evictions", headers=admin.headers)
    recorded = history.json()["results"]
    assert [item["id"] for item in recorded] == [
        everything.json()["id"],
        again.json()["id"],
        eviction["id"],
    ]
    assert recorded[2] == {key: value for key, value in eviction.items() if key != "message"}


async def test_eviction_patterns_are_one_valid_line(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await configure(client, admin, {"cache": {"origin": True}})
    assert edge_fetched(database, admin.tenant, "/a", {})
    for pattern in ("", "\n", "/a(", "/a\n/b", "/a\r/b", "\\p{Alpha}+", "*", "/a}", "/a++"):
        refused = await evict(client, admin, pattern)
        assert refused.status_code == 400, pattern
        assert refused.json()["error"] == "bad_request"
    nul = await evict(client, admin, "/a\x00")
    assert nul.status_code == 409
    history = await client.get("/v3/cache-management/evictions", headers=admin.headers)
    assert history.json() == {"results": []}
    assert "evicted_at" not in (await cached(client, admin))["/a"]
    assert (await evict(client, admin, "/a\r\n")).json()["evicted"] == ["/a"]


async def test_tenants_and_roles(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, database: Database
) -> None:
    config_id = await configure(client, admin, {"cache": {"origin": True}})
    assert edge_fetched(database, admin.tenant, "/news/today", {})

    other = admin_factory("boss@other.example", tenant="other")
    path = f"/v3/cache-configurations/{config_id}"
    assert (await client.get(path, headers=other.headers)).status_code == 404
    assert (await client.put(path, json={}, headers=other.headers)).status_code == 404
    assert (await client.delete(path, headers=other.headers)).status_code == 404
    # The other tenant has no configuration, so its edge caches nothing.
    assert not edge_fetched(database, other.tenant, "/news/today", {})
    assert (await evict(client, other, ".*")).json()["evicted"] == []
    assert "evicted_at" not in (await cached(client, admin))["/news/today"]
    assert await cached(client, other) == {}

    viewer = admin_factory("viewer@example.com", role="viewer")
    assert (await client.get(path, headers=viewer.headers)).status_code == 200
    assert (await cached(client, viewer)).keys() == {"/news/today"}
    refused = [
        await client.post("/v3/cache-configurations", json={}, headers=viewer.headers),
        await client.put(path, json={}, headers=viewer.headers),
        await client.delete(path, headers=viewer.headers),
        await evict(client, viewer, ".*"),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    assert "evicted_at" not in (await cached(client, admin))["/news/today"]
