"""The access model through HTTP: grants, account grants, bundles, meters, credits, auto-assign."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from contractkit.impl.blaize.catalogue.metering import record_view, spend_credit
from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.tenancy.ids import digest
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin
from tests.impl.blaize.test_accounts_and_companies import new_account, new_user
from tests.impl.blaize.test_catalogue import add_entitlements, add_product


def grant(kind: str, product_id: str) -> dict[str, str]:
    return {"entitlement_type": kind, "entitlement_id": product_id}


async def give(client: httpx.AsyncClient, admin: Admin, user: str, kind: str, product: str) -> str:
    response = await client.post(
        f"/v3/users/{user}/grants", json=grant(kind, product), headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["grantId"]


async def model_of(client: httpx.AsyncClient, admin: Admin, user: str) -> dict:
    response = await client.get(f"/v3/users/{user}/accessModel", headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def delivered(model: dict) -> dict[str, tuple[bool, list[str], list[str]]]:
    return {
        entry["id"]: (entry["direct"], entry["meteredBy"], entry["creditedBy"])
        for entry in model["delivered_entitlements"]
    }


async def test_nested_bundles_deliver_entitlements_meters_and_credits(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await add_entitlements(client, admin, "news", "archive", "podcasts", "extra")
    await add_product(
        client, admin, "meter", "free", unit="views", limit=2, period="daily", delivers=["archive"]
    )
    await add_product(
        client, admin, "credit", "pack", unit="views", quantity=3, delivers=["podcasts"]
    )
    await add_product(
        client, admin, "bundle", "inner", includes={"entitlements": ["news"], "meters": ["free"]}
    )
    await add_product(
        client,
        admin,
        "bundle",
        "outer",
        includes={"bundles": ["inner"], "credits": ["pack"], "entitlements": ["extra"]},
    )
    # A cycle: inner includes outer back; the walk stops at bundles already reached.
    await add_product(
        client,
        admin,
        "bundle",
        "inner",
        includes={"entitlements": ["news"], "meters": ["free"], "bundles": ["outer"]},
    )
    user = await new_user(client, admin, "joe@company.com")
    assert await model_of(client, admin, user) == {
        "meters": {},
        "credits": {},
        "delivered_entitlements": [],
    }
    await give(client, admin, user, "bundle", "outer")
    model = await model_of(client, admin, user)
    assert delivered(model) == {
        "news": (True, [], []),
        "extra": (True, [], []),
        "archive": (False, ["free"], []),
        "podcasts": (False, [], ["pack"]),
    }
    meter = model["meters"]["free"]
    assert (meter["unit"], meter["limit"], meter["used"], meter["remaining"]) == ("views", 2, 0, 2)
    start = datetime.fromisoformat(meter["period_start"])
    end = datetime.fromisoformat(meter["period_end"])
    assert start.tzinfo is not None and (end - start).days == 1 and start <= datetime.now(UTC) < end
    assert model["credits"] == {"pack": {"unit": "views", "quantity": 3, "used": 0, "remaining": 3}}

    # Using the meter and spending the credit (as the decision engine does) shows in the model.
    with database.transaction() as session:
        record_view(session, admin.tenant, "free", f"user:{user}")
        spend_credit(session, admin.tenant, "pack", user, units=2)
    model = await model_of(client, admin, user)
    assert (model["meters"]["free"]["used"], model["meters"]["free"]["remaining"]) == (1, 1)
    assert model["credits"]["pack"]["remaining"] == 1
    with database.transaction() as session:
        record_view(session, admin.tenant, "free", f"user:{user}")
        spend_credit(session, admin.tenant, "pack", user)
    model = await model_of(client, admin, user)
    # Used up: listed with nothing remaining, and delivering nothing.
    assert model["meters"]["free"]["remaining"] == 0
    assert model["credits"]["pack"] == {"unit": "views", "quantity": 3, "used": 3, "remaining": 0}
    assert delivered(model) == {"news": (True, [], []), "extra": (True, [], [])}

    # A direct grant of an entitlement also delivered by a meter: direct and metered.
    await add_product(
        client, admin, "meter", "free", unit="views", limit=5, period="daily", delivers=["archive"]
    )
    await give(client, admin, user, "entitlement", "archive")
    assert delivered(await model_of(client, admin, user))["archive"] == (True, ["free"], [])


async def test_account_grants_and_repeated_credit_grants_add_up(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await add_entitlements(client, admin, "reports")
    await add_product(client, admin, "credit", "pack", quantity=2, delivers=["reports"])
    await add_product(client, admin, "bundle", "team", includes={"credits": ["pack", "pack"]})
    user = await new_user(client, admin, "joe@company.com")
    account = await new_account(client, admin, name="Team")
    await client.put(f"/v3/accounts/{account}/users/{user}", headers=admin.headers)
    first = await give(client, admin, user, "credit", "pack")
    await give(client, admin, user, "credit", "pack")
    assert (await model_of(client, admin, user))["credits"]["pack"]["quantity"] == 4
    # An account grant reaches every member; a bundle listing the credit twice gives it once.
    with database.transaction() as session:
        session.add(
            Grant(
                id="acc-1",
                tenant_id=admin.tenant,
                account_id=account,
                entitlement_type="bundle",
                entitlement_id="team",
            )
        )
    model = await model_of(client, admin, user)
    assert model["credits"]["pack"] == {"quantity": 6, "used": 0, "remaining": 6}
    assert delivered(model) == {"reports": (False, [], ["pack"])}
    with database.transaction() as session:
        spend_credit(session, admin.tenant, "pack", user, units=5)
    await client.delete(f"/v3/users/{user}/grants/{first}", headers=admin.headers)
    # One grant fewer: 4 units held, 5 spent, none remaining.
    model = await model_of(client, admin, user)
    assert model["credits"]["pack"] == {"quantity": 4, "used": 5, "remaining": 0}
    assert model["delivered_entitlements"] == []


async def test_auto_assigned_products(client: httpx.AsyncClient, admin: Admin) -> None:
    await add_entitlements(client, admin, "public")
    await add_product(client, admin, "entitlement", "members", auto_assign="registered")
    await add_product(client, admin, "entitlement", "everyone", auto_assign="all")
    await add_product(
        client, admin, "meter", "teaser", limit=3, delivers=["public"], auto_assign="anonymous"
    )
    await add_product(client, admin, "credit", "welcome", quantity=1, auto_assign="all")
    user = await new_user(client, admin, "joe@company.com")
    model = await model_of(client, admin, user)
    assert delivered(model) == {"members": (True, [], []), "everyone": (True, [], [])}
    assert model["meters"] == {}
    assert model["credits"] == {"welcome": {"quantity": 1, "used": 0, "remaining": 1}}

    opened = (await client.post("/v4/anonymous-sessions/news")).json()
    looked_up = await client.get(f"/v4/sessions/news/{opened['session_id']}", headers=admin.headers)
    anonymous = looked_up.json()["access_model"]
    assert delivered(anonymous) == {"everyone": (True, [], []), "public": (False, ["teaser"], [])}
    assert anonymous["meters"]["teaser"]["remaining"] == 3
    assert anonymous["credits"] == {}


async def test_anonymous_meters_count_per_session(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    await add_entitlements(client, admin, "story")
    await add_product(
        client, admin, "meter", "teaser", limit=1, delivers=["story"], auto_assign="anonymous"
    )
    first = (await client.post("/v4/anonymous-sessions/news")).json()["session_id"]
    second = (await client.post("/v4/anonymous-sessions/news")).json()["session_id"]
    with database.transaction() as session:
        record_view(session, admin.tenant, "teaser", f"anonymous:{digest(first)}")

    async def anonymous_model(session_id: str) -> dict:
        url = f"/v4/sessions/news/{session_id}"
        return (await client.get(url, headers=admin.headers)).json()["access_model"]

    used_up = await anonymous_model(first)
    assert used_up["meters"]["teaser"]["remaining"] == 0
    assert used_up["delivered_entitlements"] == []
    fresh = await anonymous_model(second)
    assert delivered(fresh) == {"story": (False, ["teaser"], [])}
