"""Recognitions, hi5 quota, reports and reviews."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contractkit.impl.peerly.models import Hi5, Recognition, User


@pytest.fixture
async def core_value_id(client, admin) -> int:
    response = await client.post(
        "/core_values", json={"text": "Care", "description": "We help."}, headers=admin.headers
    )
    return response.json()["data"]["id"]


async def recognise(client, giver, receiver, core_value_id, text="Thanks!"):
    body = {"given_for": receiver.id, "core_value_id": core_value_id, "text": text}
    return await client.post("/recognitions", json=body, headers=giver.headers)


async def test_create_and_filter_recognitions(client, admin, employee, core_value_id) -> None:
    created = await recognise(client, admin, employee, core_value_id)
    assert created.status_code == 201
    item = created.json()["data"]
    assert (item["given_by"], item["given_for"], item["core_value_id"]) == (
        admin.id,
        employee.id,
        core_value_id,
    )
    assert item["core_value"] == {
        "id": core_value_id,
        "text": "Care",
        "description": "We help.",
        "thumbnail": None,
    }
    await recognise(client, employee, admin, core_value_id, "Back at you")
    listed = (await client.get("/recognitions", headers=employee.headers)).json()["data"]
    assert [r["text"] for r in listed] == ["Back at you", "Thanks!"]
    by_admin = (
        await client.get("/recognitions", params={"given_by": admin.id}, headers=employee.headers)
    ).json()["data"]
    assert [r["id"] for r in by_admin] == [item["id"]]
    for_admin = (
        await client.get(
            "/recognitions", params={"given_for": admin.id, "limit": 1}, headers=admin.headers
        )
    ).json()["data"]
    assert [r["text"] for r in for_admin] == ["Back at you"]
    none = await client.get(
        "/recognitions", params={"core_value_id": core_value_id + 1}, headers=admin.headers
    )
    assert none.json() == {"data": []}


async def test_recognition_rules(client, admin, employee, person, core_value_id, database) -> None:
    myself = await recognise(client, employee, employee, core_value_id)
    assert myself.status_code == 403
    outsider = person("olga@other.org")
    unknown_user = await recognise(client, employee, outsider, core_value_id)
    assert unknown_user.status_code == 404 and "given_for" in unknown_user.json()["error"]["fields"]
    unknown_value = await recognise(client, employee, admin, core_value_id + 100)
    assert (
        unknown_value.status_code == 404
        and "core_value_id" in unknown_value.json()["error"]["fields"]
    )
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Recognition)) == 0


async def test_hi5_spends_quota_and_stops_at_zero(
    client, admin, employee, person, core_value_id, database
) -> None:
    fan = person("fan@example.com")
    recognitions = [
        (await recognise(client, admin, employee, core_value_id, f"r{i}")).json()["data"]["id"]
        for i in range(4)
    ]
    balances = []
    for rid in recognitions[:3]:
        response = await client.post(
            f"/recognitions/{rid}/hi5", json={"comment": "yay"}, headers=fan.headers
        )
        assert response.status_code == 201
        balances.append(response.json()["data"]["hi5_quota_balance"])
    assert balances == [2, 1, 0]
    empty = await client.post(f"/recognitions/{recognitions[3]}/hi5", headers=fan.headers)
    assert empty.status_code == 400
    assert empty.json() == {
        "error": {
            "code": "insufficient_hi5_balance",
            "message": "Hi5 quota balance is insufficient for this action",
        }
    }
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Hi5)) == 3
        assert session.get(User, fan.id).hi5_quota_balance == 0
    counts = {
        r["id"]: r["hi5_count"]
        for r in (await client.get("/recognitions", headers=admin.headers)).json()["data"]
    }
    assert [counts[rid] for rid in recognitions] == [1, 1, 1, 0]


async def test_hi5_once_and_not_on_own_recognitions(
    client, admin, employee, person, core_value_id
) -> None:
    fan = person("fan@example.com")
    rid = (await recognise(client, admin, employee, core_value_id)).json()["data"]["id"]
    assert (await client.post(f"/recognitions/{rid}/hi5", headers=fan.headers)).status_code == 201
    again = await client.post(f"/recognitions/{rid}/hi5", headers=fan.headers)
    assert again.status_code == 409
    assert (
        await client.post(f"/recognitions/{rid}/hi5", headers=employee.headers)
    ).status_code == 403
    assert (await client.post(f"/recognitions/{rid}/hi5", headers=admin.headers)).status_code == 403
    assert (await client.post("/recognitions/999999/hi5", headers=fan.headers)).status_code == 404
    me = (await client.get("/users/me", headers=fan.headers)).json()["data"]
    assert me["hi5_quota_balance"] == 2, "refused hi5s spend nothing"


async def test_report_and_review(client, admin, employee, person, core_value_id) -> None:
    witness = person("wit@example.com")
    rid = (await recognise(client, employee, witness, core_value_id)).json()["data"]["id"]
    unreported = await client.post(
        f"/recognitions/{rid}/review", json={"is_inappropriate": True}, headers=admin.headers
    )
    assert unreported.status_code == 409
    bad = await client.post(
        f"/recognitions/{rid}/report", json={"mark_as": "spam", "reason": ""}, headers=admin.headers
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"mark_as", "reason"}
    report = await client.post(
        f"/recognitions/{rid}/report",
        json={"mark_as": "fraud", "reason": "Never happened"},
        headers=admin.headers,
    )
    assert report.status_code == 201 and report.json()["data"]["mark_as"] == "fraud"
    twice = await client.post(
        f"/recognitions/{rid}/report",
        json={"mark_as": "fraud", "reason": "x"},
        headers=admin.headers,
    )
    assert twice.status_code == 409
    by_employee = await client.post(
        f"/recognitions/{rid}/review", json={"is_inappropriate": True}, headers=employee.headers
    )
    assert by_employee.status_code == 403
    review = await client.post(
        f"/recognitions/{rid}/review",
        json={"is_inappropriate": True, "comment": "Confirmed"},
        headers=admin.headers,
    )
    assert review.status_code == 201 and review.json()["data"]["is_inappropriate"] is True
    assert (await client.get("/recognitions", headers=admin.headers)).json() == {"data": []}
    assert (await client.post(f"/recognitions/{rid}/hi5", headers=admin.headers)).status_code == 404
    cleared = await client.post(
        f"/recognitions/{rid}/review", json={"is_inappropriate": False}, headers=admin.headers
    )
    assert cleared.status_code == 201
    assert len((await client.get("/recognitions", headers=admin.headers)).json()["data"]) == 1
