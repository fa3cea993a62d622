"""What operators see of the served app: probes, the request log and the request id."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import text

from contractkit.impl.db import Database, schema_problem
from tests.impl.peerly.conftest import Person


@pytest.fixture
def root_client(app):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://peerly.test")


def logged(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "contractkit.requests"
    ]


async def test_the_probes_answer_for_the_process_and_the_database(
    root_client: httpx.AsyncClient, database: Database
) -> None:
    async with root_client as client:
        health = await client.get("/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        ready = await client.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})

        with database.engine.begin() as connection:  # one API's branch loses its newest step
            connection.execute(
                text(
                    "DELETE FROM alembic_version WHERE version_num = "
                    "(SELECT MIN(version_num) FROM alembic_version)"
                )
            )
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503
        assert not_ready.json() == {
            "status": "unavailable",
            "reason": "database schema is not at the newest migration",
        }


def test_an_unreachable_database_is_not_ready() -> None:
    unreachable = Database("postgresql://nobody@127.0.0.1:9/nothing")
    try:
        assert schema_problem(unreachable.engine) == "database unreachable (OperationalError)"
    finally:
        unreachable.dispose()


async def test_each_request_is_logged_once_by_its_path_template(
    root_client: httpx.AsyncClient, admin: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="contractkit.requests")
    async with root_client as client:
        found = await client.get("/peerly/core_values/4242?signature=s3cr3t", headers=admin.headers)
        missing = await client.get("/peerly/no/such/path?token=s3cr3t")
    assert found.status_code == 404
    assert missing.status_code == 404
    first, second = logged(caplog)
    assert {key: first[key] for key in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/peerly/core_values/{id}",
        "status": 404,
    }
    assert second["path"] == "<unmatched>"
    assert isinstance(first["duration_ms"], float)
    assert first["request_id"] == found.headers["X-Request-ID"]
    assert first["request_id"] != second["request_id"]
    for record in caplog.records:
        message = record.getMessage()
        assert "s3cr3t" not in message
        assert admin.token not in message
        assert "4242" not in message


async def test_the_request_id_is_the_clients_when_usable(
    root_client: httpx.AsyncClient, admin: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="contractkit.requests")
    async with root_client as client:
        kept = await client.get(
            "/peerly/users/me", headers={**admin.headers, "X-Request-ID": "trace-42.a"}
        )
        replaced = await client.get(
            "/peerly/users/me", headers={**admin.headers, "X-Request-ID": "two words"}
        )
    assert kept.status_code == replaced.status_code == 200
    assert kept.headers["X-Request-ID"] == "trace-42.a"
    assert replaced.headers["X-Request-ID"] not in ("", "two words")
    assert [line["request_id"] for line in logged(caplog)] == [
        "trace-42.a",
        replaced.headers["X-Request-ID"],
    ]
    assert [line["path"] for line in logged(caplog)] == ["/peerly/users/me"] * 2
