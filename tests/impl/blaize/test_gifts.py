"""Gifts: created and listed through HTTP, claimed through ``blaize.catalogue.gifting``."""

from __future__ import annotations

import httpx
import pytest

from contractkit.impl.blaize.catalogue.gifting import claim_gift, gift_allows, path_key
from contractkit.impl.blaize.catalogue.models import Gift
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory


async def new_gift(client: httpx.AsyncClient, admin: Admin, uri: str) -> str:
    created = await client.post("/v3/gift", json={"uri": uri}, headers=admin.headers)
    assert created.status_code == 200, created.text
    return created.json()["gift"]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("/news/local/story", "news/local/story"),
        ("news/local/story?gift=123#top", "news/local/story"),
        ("https://site.example/1823.html?x=1", "1823.html"),
        ("1823.html", "1823.html"),
    ],
)
def test_paths_are_compared_by_their_path_portion(value: str, key: str) -> None:
    assert path_key(value) == key


async def test_gift_lifecycle_and_claims(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    story = await new_gift(client, admin, "/news/local/story")
    other = await new_gift(client, admin, "1823.html")
    # The ignored fields of the seed's body are accepted and ignored.
    seed_body = {
        "id": "58c3852bb23f3467",
        "created": "2018-04-27T09:15:28Z",
        "claimed": "Hello, world!",
        "uri": "/third",
        "cross_device_session": "Hello, world!",
    }
    third = (await client.post("/v3/gift", json=seed_body, headers=admin.headers)).json()["gift"]
    assert third != "58c3852bb23f3467"
    listing = (await client.get("/v3/gift", headers=admin.headers)).json()
    assert [(gift["id"], gift["uri"]) for gift in listing] == [
        (story, "/news/local/story"),
        (other, "1823.html"),
        (third, "/third"),
    ]
    assert all(set(gift) == {"id", "created", "uri"} for gift in listing)

    with database.transaction() as session:
        tenant = admin.tenant
        assert not claim_gift(session, tenant, story, "/news/other", "anonymous:s1")
        assert not claim_gift(session, tenant, "missing", "/news/local/story", "anonymous:s1")
        assert not gift_allows(session, tenant, "/news/local/story", "anonymous:s1")
        assert claim_gift(session, tenant, story, "news/local/story?gift=x", "anonymous:s1")
        # Claimed: again by the same claimant, never by another.
        assert claim_gift(session, tenant, story, "/news/local/story", "anonymous:s1")
        assert not claim_gift(session, tenant, story, "/news/local/story", "user:u1")
        assert gift_allows(session, tenant, "/news/local/story?page=2", "anonymous:s1")
        assert not gift_allows(session, tenant, "/news/local/story", "user:u1")
        assert not gift_allows(session, tenant, "/1823.html", "anonymous:s1")
        assert claim_gift(session, tenant, other, "https://site.example/1823.html", "user:u1")
        assert not gift_allows(session, "other-tenant", "/1823.html", "user:u1")
        with pytest.raises(ValueError):
            claim_gift(session, tenant, third, "/third", "u1")
    with database.transaction() as session:
        claimed = session.get(Gift, (admin.tenant, story))
        assert claimed is not None and claimed.claimed_by == "anonymous:s1"
        assert claimed.cross_device_session == "s1" and claimed.claimed_at is not None
        assert session.get(Gift, (admin.tenant, other)).cross_device_session == "u1"  # type: ignore[union-attr]

    # Claimed gifts are no longer listed as unclaimed.
    listing = (await client.get("/v3/gift", headers=admin.headers)).json()
    assert [gift["id"] for gift in listing] == [third]
    # Deleting a claimed gift closes the path again.
    assert (await client.delete(f"/v3/gift/{story}", headers=admin.headers)).status_code == 200
    assert (await client.delete(f"/v3/gift/{story}", headers=admin.headers)).status_code == 404
    with database.transaction() as session:
        assert not gift_allows(session, admin.tenant, "/news/local/story", "anonymous:s1")


async def test_gifts_are_per_tenant(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    gift = await new_gift(client, admin, "/story")
    other = admin_factory("boss@other.example", tenant="other")
    assert (await client.get("/v3/gift", headers=other.headers)).json() == []
    assert (await client.delete(f"/v3/gift/{gift}", headers=other.headers)).status_code == 404
    assert len((await client.get("/v3/gift", headers=admin.headers)).json()) == 1
