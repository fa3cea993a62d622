"""``contractkit mock specs/peerly`` serves every Peerly operation, in Peerly's own shapes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from contractkit.mock.generation.errors import VIOLATIONS_HEADER
from contractkit.mock.state.resources import json_media
from contractkit.mock.types import MockRequest
from contractkit.pytest_plugin import build_mock_app

from .requests_for import valid_request

PEERLY = Path(__file__).resolve().parents[2] / "specs" / "peerly"
pytestmark = pytest.mark.skipif(not PEERLY.is_dir(), reason="specs/peerly is not there")


def test_every_operation_answers_a_documented_conforming_response() -> None:
    app = build_mock_app(PEERLY)
    engine = app.engine
    assert len(engine.operations) >= 5
    for operation in engine.operations:
        method, url, headers, body = valid_request(operation)
        path, _, query = url.partition("?")
        answer = engine.handle(MockRequest(method, path, query, headers, body))
        assert answer.status < 300, (
            operation.label,
            answer.status,
            answer.headers,
            answer.body[:300],
        )
        assert answer.documented_as in operation.responses, operation.label
        found = json_media(operation)
        if found is not None and answer.body:
            schema = found[1].schema
            assert schema is not None
            assert schema.is_valid(json.loads(answer.body)), (
                operation.label,
                schema.errors(json.loads(answer.body)),
            )


async def test_invalid_requests_get_the_peerly_error_envelope() -> None:
    app = build_mock_app(PEERLY)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://mock"
    ) as client:
        unauthenticated = await client.get("/peerly/core_values")
        assert unauthenticated.status_code == 401
        assert set(unauthenticated.json()) == {"error"}
        invalid = await client.post("/peerly/oauth/google", json={"access_token": ""})
    assert invalid.status_code == 400
    error = invalid.json()["error"]
    assert error["fields"] == {"access_token": '"" is shorter than 1 character'}
    assert "access_token" in error["message"]
    assert json.loads(invalid.headers[VIOLATIONS_HEADER])[0]["name"] == "access_token"
