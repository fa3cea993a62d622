"""Every bad input gets the Peerly envelope, and a rejected request writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from contractkit.impl.peerly.models import CoreValue


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]


async def test_invalid_bodies_report_every_field_and_store_nothing(client, admin, database) -> None:
    error = assert_envelope(
        await client.post(
            "/core_values",
            json={"text": "", "description": 7, "parent_core_value_id": 0},
            headers=admin.headers,
        ),
        400,
        "invalid_data",
    )
    assert set(error["fields"]) == {"text", "description", "parent_core_value_id"}
    not_json = await client.post(
        "/core_values",
        content=b"{oops",
        headers={**admin.headers, "content-type": "application/json"},
    )
    assert "body" in assert_envelope(not_json, 400, "invalid_data")["fields"]
    array = await client.post("/core_values", json=[1, 2], headers=admin.headers)
    assert assert_envelope(array, 400, "invalid_data")["fields"]
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CoreValue)) == 0


async def test_parameters_media_types_methods_and_paths(client, admin) -> None:
    error = assert_envelope(
        await client.get("/users", params={"limit": "many", "offset": -1}, headers=admin.headers),
        400,
        "invalid_data",
    )
    assert set(error["fields"]) == {"limit", "offset"}
    assert_envelope(await client.get("/core_values/0", headers=admin.headers), 400, "invalid_data")
    assert_envelope(
        await client.get("/core_values/2147483648", headers=admin.headers), 400, "invalid_data"
    )
    wrong_type = await client.post(
        "/core_values", content=b"text=x", headers={**admin.headers, "content-type": "text/plain"}
    )
    assert_envelope(wrong_type, 415, "unsupported_media_type")
    not_allowed = await client.delete("/core_values", headers=admin.headers)
    assert_envelope(not_allowed, 405, "method_not_allowed")
    assert not_allowed.headers["allow"] == "GET, HEAD, POST"
    assert_envelope(await client.get("/no/such/path", headers=admin.headers), 404, "not_found")


async def test_field_messages_only_with_a_valid_token(client) -> None:
    response = await client.post(
        "/core_values", json={"text": ""}, headers={"Authorization": "Bearer nope"}
    )
    assert assert_envelope(response, 401, "invalid_token") == {
        "code": "invalid_token",
        "message": "unauthorized user",
    }


async def test_allow_header_prefers_static_paths(client, admin) -> None:
    response = await client.delete("/users/me", headers=admin.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, PUT"
