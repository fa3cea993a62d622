"""Admin users, admin roles and what they allow, tenant by tenant."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from contractkit.impl.blaize.identity.models import AdminRole, AdminUser
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import PASSWORD, Admin, AdminFactory


async def test_create_admin_user_then_conflict(client: httpx.AsyncClient, admin: Admin) -> None:
    body = {
        "identifiers": {"email_address": "Joe.Blow@Company.com"},
        "validators": {"password": "pw"},
    }
    created = await client.post("/v3/admin/users", json=body, headers=admin.headers)
    assert created.status_code == 201
    answer = created.json()
    assert answer["message"] == "Admin user created successfully"
    assert (
        created.headers["location"]
        == answer["uri"]
        == f"/blaize/v3/admin/users/{answer['user_id']}"
    )
    again = await client.post("/v3/admin/users", json=body, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


async def test_new_admin_can_log_in_but_has_no_rights_until_given_a_role(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    body = {"identifiers": {"email_address": "new@example.com"}, "validators": {"password": "pw-1"}}
    await client.post("/v3/admin/users", json=body, headers=admin.headers)
    login = await client.post("/v3/admin/login", json=body)
    client.cookies.clear()
    session = {"blaize-admin-session": login.json()["cookie"].split("=", 1)[1]}
    assert (await client.get("/v3/admin/roles", headers=session)).status_code == 403
    role = {"email": "new@example.com", "role": "viewer"}
    assert (
        await client.post("/v3/admin/roles", json=role, headers=admin.headers)
    ).status_code == 201
    assert (await client.get("/v3/admin/roles", headers=session)).status_code == 200


async def test_role_lifecycle(client: httpx.AsyncClient, admin: Admin) -> None:
    created = await client.post(
        "/v3/admin/roles", json={"email": "Ed@Example.com", "role": "editor"}, headers=admin.headers
    )
    assert created.status_code == 201
    role_id = created.json()["role_id"]
    assert created.headers["location"] == f"/blaize/v3/admin/roles/{role_id}"
    got = await client.get(f"/v3/admin/roles/{role_id}", headers=admin.headers)
    assert got.json() == {"role_id": role_id, "email": "ed@example.com", "role": "editor"}
    duplicate = await client.post(
        "/v3/admin/roles", json={"email": "ed@example.com", "role": "editor"}, headers=admin.headers
    )
    assert duplicate.status_code == 409
    updated = await client.put(
        f"/v3/admin/roles/{role_id}",
        json={"email": "ed@example.com", "role": "viewer"},
        headers=admin.headers,
    )
    assert updated.json() == {"message": "Admin role updated successfully"}
    listing = (await client.get("/v3/admin/roles", headers=admin.headers)).json()
    assert {(r["email"], r["role"]) for r in listing} == {
        ("root@example.com", "admin"),
        ("ed@example.com", "viewer"),
    }
    deleted = await client.delete(f"/v3/admin/roles/{role_id}", headers=admin.headers)
    assert deleted.status_code == 200
    assert (
        await client.get(f"/v3/admin/roles/{role_id}", headers=admin.headers)
    ).status_code == 404
    assert (
        await client.delete(f"/v3/admin/roles/{role_id}", headers=admin.headers)
    ).status_code == 404


async def test_last_admin_role_cannot_be_removed(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    listing = (await client.get("/v3/admin/roles", headers=admin.headers)).json()
    (own,) = listing
    demote = await client.put(
        f"/v3/admin/roles/{own['role_id']}",
        json={"email": admin.email, "role": "viewer"},
        headers=admin.headers,
    )
    assert demote.status_code == 409
    delete = await client.delete(f"/v3/admin/roles/{own['role_id']}", headers=admin.headers)
    assert delete.status_code == 409
    with database.transaction() as session:
        assert session.get(AdminRole, own["role_id"]).role == "admin"  # type: ignore[union-attr]


async def test_roles_decide_what_may_be_done(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    editor = admin_factory("editor@example.com", role="editor")
    viewer = admin_factory("viewer@example.com", role="viewer")
    stranger = admin_factory("odd@example.com", role="chief-of-everything")
    new_role = {"email": "x@example.com", "role": "viewer"}
    for caller, read, manage in (
        (admin, 200, 201),
        (editor, 200, 403),
        (viewer, 200, 403),
        (stranger, 403, 403),
    ):
        assert (await client.get("/v3/admin/roles", headers=caller.headers)).status_code == read
        response = await client.post("/v3/admin/roles", json=new_role, headers=caller.headers)
        assert response.status_code == manage, caller.email
        if manage == 403:
            assert response.json() == {
                "status": 403,
                "error": "forbidden",
                "message": "The admin user may not perform this operation",
            }
    for caller in (editor, viewer):
        assert (await client.get("/v3/configuration", headers=caller.headers)).status_code == 403


async def test_refused_write_changes_nothing(
    client: httpx.AsyncClient, admin_factory: AdminFactory, database: Database
) -> None:
    viewer = admin_factory("viewer@example.com", role="viewer")
    body = {"identifiers": {"email_address": "ghost@example.com"}}
    assert (
        await client.post("/v3/admin/users", json=body, headers=viewer.headers)
    ).status_code == 403
    invalid = {"identifiers": {"email_address": "not an email"}}
    admin = admin_factory("root@example.com")
    response = await client.post("/v3/admin/users", json=invalid, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "identifiers.email_address"
    with database.transaction() as session:
        count = session.scalar(select(func.count()).select_from(AdminUser))
    assert count == 2


async def test_keypairs_of_others_need_the_admin_role(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    viewer = admin_factory("viewer@example.com", role="viewer")
    own = await client.post(f"/v3/admin/users/{viewer.id}/keypairs", headers=viewer.headers)
    assert own.status_code == 201
    others = await client.post(f"/v3/admin/users/{admin.id}/keypairs", headers=viewer.headers)
    assert others.status_code == 403
    managed = await client.get(f"/v3/admin/users/{viewer.id}/keypairs", headers=admin.headers)
    assert managed.json() == [{"access_key": own.json()["access_key"]}]
    unknown = await client.post("/v3/admin/users/no-such-admin/keypairs", headers=admin.headers)
    assert unknown.status_code == 404


async def test_tenants_are_isolated(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    other = admin_factory("boss@other.example", tenant="other")
    created = await client.post(
        "/v3/admin/roles", json={"email": "a@example.com", "role": "viewer"}, headers=admin.headers
    )
    role_id = created.json()["role_id"]
    assert (
        await client.get(f"/v3/admin/roles/{role_id}", headers=other.headers)
    ).status_code == 404
    assert (
        await client.delete(f"/v3/admin/roles/{role_id}", headers=other.headers)
    ).status_code == 404
    listing = (await client.get("/v3/admin/roles", headers=other.headers)).json()
    assert [r["email"] for r in listing] == ["boss@other.example"]
    for path in (
        f"/v3/admin/users/{admin.id}/keypairs",
        f"/v3/admin/users/{admin.id}/roles",
        f"/v3/admin/users/{admin.id}/roles/default",
        f"/v3/admin/sessions/{admin.session_id}",
    ):
        assert (await client.get(path, headers=other.headers)).status_code == 404, path
    await client.post("/v3/configuration", json={"cdn.origin": "https://a"}, headers=admin.headers)
    other_config = (await client.get("/v3/configuration", headers=other.headers)).json()
    assert "cdn.origin" not in other_config


async def test_admin_with_roles_in_two_tenants(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    other = admin_factory("boss@other.example", tenant="other")
    grant = {"email": admin.email, "role": "viewer"}
    assert (
        await client.post("/v3/admin/roles", json=grant, headers=other.headers)
    ).status_code == 201
    own_roles = await client.get(f"/v3/admin/users/{admin.id}/roles", headers=admin.headers)
    assert sorted(r["role"] for r in own_roles.json()) == ["admin", "viewer"]
    seen_by_other = await client.get(f"/v3/admin/users/{admin.id}/roles", headers=other.headers)
    assert seen_by_other.json() == [{"email": admin.email, "role": "viewer"}]
    in_other = await client.get(f"/v3/admin/users/{admin.id}/roles/other", headers=admin.headers)
    assert in_other.json() == [{"email": admin.email, "role": "viewer"}]

    body = {
        "identifiers": {"email_address": admin.email, "tenant": "other"},
        "validators": {"password": PASSWORD},
    }
    login = await client.post("/v3/admin/login", json=body)
    client.cookies.clear()
    session = {"blaize-admin-session": login.json()["cookie"].split("=", 1)[1]}
    roles = (await client.get("/v3/admin/roles", headers=session)).json()
    assert {r["email"] for r in roles} == {"boss@other.example", admin.email}
    write = await client.post("/v3/admin/roles", json=grant | {"role": "x"}, headers=session)
    assert write.status_code == 403
    body["identifiers"]["tenant"] = "third"
    assert (await client.post("/v3/admin/login", json=body)).status_code == 401


async def test_admins_cannot_take_their_own_admin_role_away(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    second = admin_factory("second@example.com")
    roles = (await client.get("/v3/admin/roles", headers=admin.headers)).json()
    own = next(r for r in roles if r["email"] == admin.email)
    theirs = next(r for r in roles if r["email"] == second.email)
    refused = await client.put(
        f"/v3/admin/roles/{own['role_id']}",
        json={"email": "someone@example.com", "role": "admin"},
        headers=admin.headers,
    )
    assert refused.status_code == 409
    assert (
        await client.delete(f"/v3/admin/roles/{own['role_id']}", headers=admin.headers)
    ).status_code == 409
    demoted = await client.delete(f"/v3/admin/roles/{theirs['role_id']}", headers=admin.headers)
    assert demoted.status_code == 200
    assert (await client.get("/v3/configuration", headers=second.headers)).status_code == 403
