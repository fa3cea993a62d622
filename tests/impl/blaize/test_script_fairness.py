"""One tenant's runaway rule scripts cost that tenant, not the others."""

from __future__ import annotations

import asyncio

import httpx

from contractkit.impl.blaize.decisions.script_host import HOST
from tests.impl.blaize.conftest import AdminFactory
from tests.impl.blaize.test_request_rules import rule, save_rule

RUNAWAY = "return /^(a|aa)+$/.test('a'.repeat(60) + 'b') ? 'matched' : 'no'"
"""Backtracking inside QuickJS's regular expressions, which its CPU time limit does not reach:
the worker runs until the host kills it at its wall-clock deadline."""
HOSTILE_REQUESTS = 6


async def test_a_tenants_runaway_scripts_leave_the_other_tenants_workers_free(
    client: httpx.AsyncClient, admin_factory: AdminFactory
) -> None:
    hostile = admin_factory("mallory@example.com", tenant="hostile")
    calm = admin_factory("carol@example.com", tenant="calm")
    await save_rule(client, hostile, rule(RUNAWAY))
    await save_rule(client, calm, rule("return 'welcome'"))

    async def decide(admin_headers: dict[str, str]) -> httpx.Response:
        return await client.post(
            "/v3/decision-engine", json={"path": "/article"}, headers=admin_headers
        )

    attacks = [asyncio.create_task(decide(hostile.headers)) for _ in range(HOSTILE_REQUESTS)]
    while HOST.holding("hostile") < HOST.per_owner:  # the attack holds its whole share
        await asyncio.sleep(0.01)

    calm_answer = await decide(calm.headers)
    still_running = sum(not attack.done() for attack in attacks)
    finished_first = [attack.result() for attack in attacks if attack.done()]
    answers = await asyncio.gather(*attacks)

    assert calm_answer.status_code == 200, calm_answer.text
    assert calm_answer.json() == {"status": "200", "body": "welcome"}
    # The calm tenant was answered while the hostile tenant's scripts still held its share.
    assert still_running >= 1
    assert all(answer.status_code != 409 for answer in finished_first)
    assert HOST.per_owner < HOST.size
    statuses = sorted(answer.status_code for answer in answers)
    # Runs beyond the hostile tenant's share waited a bounded time, then were refused...
    refused = [answer for answer in answers if answer.status_code == 429]
    assert refused, statuses
    assert all(answer.headers["Retry-After"] == "1" for answer in refused)
    assert refused[0].json()["error"] == "too_many_requests"
    # ...and those that ran were stopped at their deadline.
    stopped = [answer for answer in answers if answer.status_code == 409]
    assert stopped, statuses
    assert "exceeded the time limit" in stopped[0].json()["message"]
    assert set(statuses) <= {409, 429}
