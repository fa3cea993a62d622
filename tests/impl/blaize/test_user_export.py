"""User export: what `attributes` and `appIds` select, and that the body is streamed."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest
from sqlalchemy import event

from contractkit.impl.blaize.handlers.user_export import json_array
from contractkit.impl.blaize.people.models import UserExtendedProfile
from contractkit.impl.blaize.people.user_export import ExportQuery, export_records
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory


async def create_user(
    client: httpx.AsyncClient, admin: Admin, email: str, **attributes: object
) -> str:
    body = {
        "identifiers": {"email_address": email},
        "validators": {"password": "pw-123"},
        "attributes": attributes,
    }
    response = await client.post("/v3/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()["user_id"]


def add_profile(database: Database, tenant: str, user_id: str, app_id: str, data: dict) -> None:
    with database.transaction() as session:
        session.add(
            UserExtendedProfile(user_id=user_id, app_id=app_id, tenant_id=tenant, data=data)
        )


@pytest.fixture
async def users(client: httpx.AsyncClient, admin: Admin, database: Database) -> list[str]:
    joe = await create_user(client, admin, "joe@company.com", first_name="Joe")
    ann = await create_user(client, admin, "ann@company.com", first_name="Ann")
    bob = await create_user(client, admin, "bob@company.com", first_name="Bob")
    add_profile(database, admin.tenant, ann, "quiz1", {"score": 7})
    add_profile(database, admin.tenant, ann, "survey9", {"answer": "no"})
    add_profile(database, admin.tenant, bob, "survey4", {"answer": "yes"})
    return [joe, ann, bob]


async def export(client: httpx.AsyncClient, admin: Admin, query: str = "") -> list[dict]:
    response = await client.get(f"/v3/user-export{query}", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    records = response.json()
    assert [record["seq-no"] for record in records] == list(range(1, len(records) + 1))
    return records


async def test_without_parameters_every_user_with_identifiers_only(
    client: httpx.AsyncClient, admin: Admin, users: list[str]
) -> None:
    records = await export(client, admin)
    assert [r["user"]["user_id"] for r in records] == users
    assert records[0]["user"] == {
        "user_id": users[0],
        "identifiers": {"email_address": "joe@company.com"},
    }


async def test_attributes_true_adds_core_attributes_and_false_leaves_them_out(
    client: httpx.AsyncClient, admin: Admin, users: list[str]
) -> None:
    with_attributes = await export(client, admin, "?attributes=true")
    assert [r["user"]["attributes"] for r in with_attributes] == [
        {"first_name": "Joe"},
        {"first_name": "Ann"},
        {"first_name": "Bob"},
    ]
    without = await export(client, admin, "?attributes=false")
    assert len(without) == 3 and all("attributes" not in r["user"] for r in without)


async def test_app_ids_alone_select_users_with_matching_profiles(
    client: httpx.AsyncClient, admin: Admin, users: list[str]
) -> None:
    _, ann, bob = users
    records = await export(client, admin, "?appIds=quiz1,survey4")
    assert [r["user"]["user_id"] for r in records] == [ann, bob]
    assert records[0]["user"]["extended_profiles"] == {"quiz1": {"score": 7}}
    assert records[1]["user"]["extended_profiles"] == {"survey4": {"answer": "yes"}}
    assert all("attributes" not in r["user"] for r in records)
    assert await export(client, admin, "?appIds=unknown") == []


async def test_attributes_with_app_ids_export_everyone_and_add_profiles(
    client: httpx.AsyncClient, admin: Admin, users: list[str]
) -> None:
    joe, ann, _ = users
    records = await export(client, admin, "?attributes=false&appIds=quiz1")
    assert [r["user"]["user_id"] for r in records] == users
    by_id = {r["user"]["user_id"]: r["user"] for r in records}
    assert "extended_profiles" not in by_id[joe]
    assert by_id[ann]["extended_profiles"] == {"quiz1": {"score": 7}}


async def test_the_export_is_per_tenant_and_needs_read_rights(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, users: list[str]
) -> None:
    other = admin_factory("other@example.com", tenant="other")
    assert await export(client, other) == []
    guest = admin_factory("guest@example.com", role="guest")
    refused = await client.get("/v3/user-export", headers=guest.headers)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert (await client.get("/v3/user-export")).status_code == 401
    bad = await client.get("/v3/user-export?attributes=yes", headers=admin.headers)
    assert bad.status_code == 400 and bad.json()["status"] == 400


async def test_the_body_is_sent_while_users_are_still_being_read(
    app, admin: Admin, database: Database, users: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Through every middleware (response validation included), batch by batch."""
    monkeypatch.setattr("contractkit.impl.blaize.people.user_export.EXPORT_BATCH_SIZE", 1)
    batches: list[str] = []
    sent: list[tuple[int, bytes]] = []

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "FROM blaize_users" in statement and "LIMIT" in statement.upper():
            batches.append(statement)

    requested = False
    finished = anyio.Event()

    async def receive() -> dict:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200
            return
        if message.get("body"):
            sent.append((len(batches), message["body"]))
        if not message.get("more_body", False):
            finished.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/blaize/v3/user-export",
        "raw_path": b"/blaize/v3/user-export",
        "root_path": "",
        "query_string": b"attributes=true",
        "headers": [
            (b"host", b"blaize.test"),
            (b"blaize-admin-session", admin.session_id.encode()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("blaize.test", 80),
    }
    event.listen(database.engine, "before_cursor_execute", remember)
    try:
        await app(scope, receive, send)
    finally:
        event.remove(database.engine, "before_cursor_execute", remember)
    records = json.loads(b"".join(body for _, body in sent))
    assert [r["user"]["user_id"] for r in records] == users
    # The first record left before the second batch was read; one batch per user.
    first_record = next(index for index, body in sent if b"seq-no" in body)
    assert first_record == 1
    assert len(batches) == len(users) + 1


async def test_records_are_read_lazily_one_batch_at_a_time(
    client: httpx.AsyncClient, admin: Admin, database: Database, users: list[str]
) -> None:
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "FROM blaize_users" in statement:
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", remember)
    try:
        query = ExportQuery.from_parameters(admin.tenant, "true", None)
        records = export_records(database, query, batch_size=2)
        first = next(records)
        assert first["seq-no"] == 1 and len(statements) == 1
        assert "LIMIT" in statements[0].upper()
        rest = list(records)
    finally:
        event.remove(database.engine, "before_cursor_execute", remember)
    assert [r["seq-no"] for r in rest] == [2, 3]
    assert len(statements) == 2
    body = b"".join(json_array(iter([first, *rest])))
    assert [r["user"]["user_id"] for r in json.loads(body)] == users
