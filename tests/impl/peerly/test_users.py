"""Listing, profiles and soft deletion of users."""

from __future__ import annotations

from sqlalchemy import select

from contractkit.impl.peerly.models import User


async def test_list_supports_limit_offset_and_starts_with(client, admin, person) -> None:
    for email in ("zoe.adams@example.com", "yann.brook@example.com", "xena.cole@example.com"):
        person(email)
    everyone = (await client.get("/users", headers=admin.headers)).json()["data"]
    names = [u["first_name"] for u in everyone]
    assert names == sorted(names)
    page = (
        await client.get("/users", params={"limit": 2, "offset": 1}, headers=admin.headers)
    ).json()["data"]
    assert [u["id"] for u in page] == [u["id"] for u in everyone[1:3]]
    found = (
        await client.get("/users", params={"starts_with": "BRO"}, headers=admin.headers)
    ).json()["data"]
    assert [u["email"] for u in found] == ["yann.brook@example.com"]
    wildcard = (
        await client.get("/users", params={"starts_with": "%"}, headers=admin.headers)
    ).json()["data"]
    assert wildcard == []


async def test_update_own_profile(client, employee) -> None:
    update = {
        "first_name": "Bob",
        "last_name": "Builder",
        "display_name": "Bobby",
        "profile_image_url": "https://img.example/b.png",
    }
    response = await client.put("/users/me", json=update, headers=employee.headers)
    assert response.status_code == 200
    assert {k: response.json()["data"][k] for k in update} == update
    kept = await client.put(
        "/users/me",
        json={**update, "profile_image_url": None} | {"display_name": "B"},
        headers=employee.headers,
    )
    assert kept.json()["data"]["profile_image_url"] is None
    bad = await client.put(
        "/users/me", json={"first_name": "", "last_name": 3}, headers=employee.headers
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"first_name", "last_name", "display_name"}


async def test_soft_delete_hides_user_revokes_tokens_and_blocks_login(
    client, admin, employee, idp, database
) -> None:
    deleted = await client.delete(f"/users/{employee.id}", headers=admin.headers)
    assert deleted.status_code == 200
    data = deleted.json()["data"]
    assert data["soft_delete_by"] == admin.id and data["soft_delete_at"]
    listed = (await client.get("/users", headers=admin.headers)).json()["data"]
    assert employee.id not in [u["id"] for u in listed]
    assert (await client.get(f"/users/{employee.id}", headers=admin.headers)).status_code == 404
    assert (await client.delete(f"/users/{employee.id}", headers=admin.headers)).status_code == 404
    assert (await client.get("/users/me", headers=employee.headers)).status_code == 401
    idp.grant("bob-google", "bob.builder@example.com")
    assert (
        await client.post("/oauth/google", json={"access_token": "bob-google"})
    ).status_code == 401
    with database.transaction() as session:
        row = session.scalar(select(User).where(User.id == employee.id))
        assert row is not None and row.soft_delete_at is not None, "soft delete keeps the row"
