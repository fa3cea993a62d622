"""Roles (employee, admin, superadmin) and organisation scoping."""

from __future__ import annotations

from contractkit.impl.peerly.models import Role

CORE_VALUE = {"text": "Honesty", "description": "We say what we see."}


async def test_only_admins_write_core_values(client, admin, employee) -> None:
    denied = await client.post("/core_values", json=CORE_VALUE, headers=employee.headers)
    assert denied.status_code == 403
    assert denied.json() == {"error": {"code": "access_denied", "message": "Permission required"}}
    created = await client.post("/core_values", json=CORE_VALUE, headers=admin.headers)
    assert created.status_code == 201
    value_id = created.json()["data"]["id"]
    update = {"text": "Candour", "description": "Kind and clear."}
    assert (
        await client.put(f"/core_values/{value_id}", json=update, headers=employee.headers)
    ).status_code == 403
    updated = await client.put(f"/core_values/{value_id}", json=update, headers=admin.headers)
    assert updated.json()["data"]["text"] == "Candour"
    read = await client.get(f"/core_values/{value_id}", headers=employee.headers)
    assert read.json()["data"] == updated.json()["data"]
    assert [
        v["id"] for v in (await client.get("/core_values", headers=employee.headers)).json()["data"]
    ] == [value_id]


async def test_core_values_of_another_organisation_are_not_found(client, admin, person) -> None:
    outsider = person("olga@other.org", Role.ADMIN)
    created = await client.post("/core_values", json=CORE_VALUE, headers=admin.headers)
    value_id = created.json()["data"]["id"]
    assert (
        await client.get(f"/core_values/{value_id}", headers=outsider.headers)
    ).status_code == 404
    update = await client.put(f"/core_values/{value_id}", json=CORE_VALUE, headers=outsider.headers)
    assert update.status_code == 404
    assert (await client.get("/core_values", headers=outsider.headers)).json() == {"data": []}
    child = {**CORE_VALUE, "parent_core_value_id": value_id}
    refused = await client.post("/core_values", json=child, headers=outsider.headers)
    assert refused.status_code == 404
    assert "parent_core_value_id" in refused.json()["error"]["fields"]


async def test_users_list_is_scoped_and_org_id_is_for_superadmins(
    client, admin, employee, person
) -> None:
    outsider = person("olga@other.org")
    root = person("root@example.com", Role.SUPERADMIN)
    mine = await client.get("/users", headers=employee.headers)
    assert {u["email"] for u in mine.json()["data"]} == {
        "admin@example.com",
        "bob.builder@example.com",
        "root@example.com",
    }
    refused = await client.get("/users", params={"org_id": outsider.org_id}, headers=admin.headers)
    assert refused.status_code == 403
    theirs = await client.get("/users", params={"org_id": outsider.org_id}, headers=root.headers)
    assert [u["email"] for u in theirs.json()["data"]] == ["olga@other.org"]
    assert (await client.get(f"/users/{outsider.id}", headers=admin.headers)).status_code == 404
    assert (await client.get(f"/users/{outsider.id}", headers=root.headers)).status_code == 200


async def test_get_and_manage_users_is_for_admins(client, admin, employee, person) -> None:
    assert (await client.get(f"/users/{admin.id}", headers=employee.headers)).status_code == 403
    assert (await client.get(f"/users/{employee.id}", headers=admin.headers)).status_code == 200
    promote = await client.put(f"/users/{employee.id}", json={"role_id": 2}, headers=admin.headers)
    assert promote.status_code == 200 and promote.json()["data"]["role_id"] == 2
    assert (
        await client.post("/core_values", json=CORE_VALUE, headers=employee.headers)
    ).status_code == 201, "the role in force is read from the database, not from the older token"
    to_super = await client.put(f"/users/{employee.id}", json={"role_id": 3}, headers=admin.headers)
    assert to_super.status_code == 403
    self_change = await client.put(f"/users/{admin.id}", json={"role_id": 1}, headers=admin.headers)
    assert self_change.status_code == 403
    root = person("root@example.com", Role.SUPERADMIN)
    assert (
        await client.put(f"/users/{employee.id}", json={"role_id": 3}, headers=root.headers)
    ).status_code == 200
    assert (await client.delete(f"/users/{employee.id}", headers=admin.headers)).status_code == 403
    assert (await client.delete(f"/users/{admin.id}", headers=admin.headers)).status_code == 403
