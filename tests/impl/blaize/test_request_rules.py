"""Request rules: saved only when they can run, read back in evaluation order, tenant scoped."""

from __future__ import annotations

from typing import Any

import httpx

from contractkit.impl.blaize.decisions.models import RequestRule
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory

SEED_RULE = {
    "label": "Test",
    "conditions": {"url_pattern": "^/forum", "method": "GET"},
    "requirements_script": "return []",
    "action_script": 'return "this is a test"',
    "script_type": "javascript",
    "graph_state": '{"property1": "value1"}',
    "editing_mode": "manual",
}


def rule(action: str, pattern: str | None = None, requirements: str = "return []", **extra: Any):
    """A rule body: ``action`` decides on paths matching ``pattern`` (every path by default)."""
    body: dict[str, Any] = {"requirements_script": requirements, "action_script": action, **extra}
    if pattern is not None:
        body["conditions"] = {"url_pattern": pattern}
    return body


async def save_rule(client: httpx.AsyncClient, admin: Admin, body: dict[str, Any]) -> str:
    response = await client.put("/v3/request-rules", json=body, headers=admin.headers)
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


def count_rules(database: Database) -> int:
    with database.transaction() as session:
        return session.query(RequestRule).count()


async def test_the_seed_rule_is_created_read_listed_and_deleted(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    created = await client.put("/v3/request-rules", json=SEED_RULE, headers=admin.headers)
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    assert created.headers["location"] == f"/blaize/v3/request-rules/{rule_id}"
    assert created.json()["uri"] == f"/blaize/v3/request-rules/{rule_id}"
    got = await client.get(f"/v3/request-rules/{rule_id}", headers=admin.headers)
    assert got.status_code == 200
    assert got.json() == {"id": rule_id, **SEED_RULE}
    listing = await client.get("/v3/request-rules", headers=admin.headers)
    assert listing.json() == {"results": [got.json()]}
    deleted = await client.delete(f"/v3/request-rules/{rule_id}", headers=admin.headers)
    assert deleted.status_code == 200
    assert deleted.json() == {"message": "Request rule deleted successfully"}
    for method in ("GET", "DELETE"):
        gone = await client.request(method, f"/v3/request-rules/{rule_id}", headers=admin.headers)
        assert gone.status_code == 404
        assert gone.json()["error"] == "not_found"


async def test_saving_with_an_id_creates_then_replaces_keeping_the_order(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    first = await client.put(
        "/v3/request-rules", json={"id": "paywall", **SEED_RULE}, headers=admin.headers
    )
    assert first.status_code == 201
    assert first.json()["id"] == "paywall"
    second_id = await save_rule(client, admin, rule("return null"))
    replaced = await client.put(
        "/v3/request-rules",
        json={"id": "paywall", "action_script": "return 'x'"},
        headers=admin.headers,
    )
    assert replaced.status_code == 200
    assert replaced.json()["message"] == "Request rule updated successfully"
    got = (await client.get("/v3/request-rules/paywall", headers=admin.headers)).json()
    assert got == {
        "id": "paywall",
        "conditions": {},
        "action_script": "return 'x'",
        "script_type": "javascript",
    }
    listing = (await client.get("/v3/request-rules", headers=admin.headers)).json()["results"]
    assert [item["id"] for item in listing] == ["paywall", second_id]


async def test_rules_that_cannot_run_are_refused_and_nothing_is_saved(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    refusals = {
        "url_pattern is not a valid regular expression": rule("return 1", pattern="^/(forum"),
        "url_pattern is ambiguous": rule("return 1", pattern="[[:alpha:]]"),
        "action_script does not compile: SyntaxError": rule("return ["),
        "requirements_script does not compile: SyntaxError": rule("", requirements="}); ({"),
        "script_type 'lua' is not supported": rule("return 1", script_type="lua"),
    }
    for message, body in refusals.items():
        refused = await client.put(
            "/v3/request-rules", json={"id": "broken", **body}, headers=admin.headers
        )
        assert refused.status_code == 409, (message, refused.text)
        assert refused.json()["error"] == "invalid_rule"
        assert refused.json()["message"].startswith(message), refused.json()
    nul = await client.put("/v3/request-rules", json=rule("return 'a\x00'"), headers=admin.headers)
    assert nul.status_code == 409
    assert nul.json()["error"] == "conflict"
    assert count_rules(database) == 0
    runaway = await client.put(
        "/v3/request-rules", json=rule("while (true) {}"), headers=admin.headers
    )
    assert runaway.status_code == 201, "compiling a script does not run it"


async def test_bodies_outside_the_schema_are_400(client: httpx.AsyncClient, admin: Admin) -> None:
    for body in (
        {"id": "a/b"},
        {"id": ".."},
        {"conditions": {"method": "FETCH"}},
        {"action_script": 12},
    ):
        answered = await client.put("/v3/request-rules", json=body, headers=admin.headers)
        assert answered.status_code == 400, (body, answered.text)
        assert answered.json()["error"] == "bad_request"


async def test_viewers_read_rules_but_cannot_change_them(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, database: Database
) -> None:
    rule_id = await save_rule(client, admin, SEED_RULE)
    viewer = admin_factory("viewer@example.com", role="viewer")
    assert (await client.get("/v3/request-rules", headers=viewer.headers)).status_code == 200
    url = f"/v3/request-rules/{rule_id}"
    assert (await client.get(url, headers=viewer.headers)).status_code == 200
    assert (await client.delete(url, headers=viewer.headers)).status_code == 403
    saved = await client.put("/v3/request-rules", json=SEED_RULE, headers=viewer.headers)
    assert saved.status_code == 403
    assert count_rules(database) == 1
    assert (await client.get("/v3/request-rules")).status_code == 401


async def test_tenants_see_only_their_own_rules(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    other = admin_factory("other@globex.test", tenant="globex")
    await client.put(
        "/v3/request-rules", json={"id": "shared-name", **SEED_RULE}, headers=admin.headers
    )
    assert (await client.get("/v3/request-rules", headers=other.headers)).json() == {"results": []}
    url = "/v3/request-rules/shared-name"
    assert (await client.get(url, headers=other.headers)).status_code == 404
    assert (await client.delete(url, headers=other.headers)).status_code == 404
    own = await client.put(
        "/v3/request-rules", json={"id": "shared-name", "label": "Globex"}, headers=other.headers
    )
    assert own.status_code == 201, "the same id names a different rule in another tenant"
    assert (await client.get(url, headers=admin.headers)).json()["label"] == "Test"
