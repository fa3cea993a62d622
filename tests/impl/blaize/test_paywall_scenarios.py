"""A paywall, as a publisher sets it up and as readers meet it, through the HTTP API only.

The publisher sells the entitlement ``premium``; the meter ``articles`` delivers it to
everyone for 3 articles a month. One request rule guards ``/articles/``: trusted referrers
and subscribers (``premium`` held directly) go through, readers with metered views left go
through and use one, everyone else is sent to the login page.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contractkit.impl.blaize.decisions.trusted_referrer import referrer_hash
from contractkit.impl.blaize.devtokens import issue_development_user_jwt
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin

PAYWALL = {
    "id": "paywall",
    "label": "Paywall",
    "conditions": {"url_pattern": "^/articles/", "method": "GET"},
    "requirements_script": 'return ["entitlement:premium"]',
    "action_script": """
        const premium = requirements["entitlement:premium"];
        if (trusted || premium.direct) return null;
        if (premium.granted) return {status: 200, meter: premium.meteredBy};
        return {
          status: 301,
          body: "Redirecting to login page...",
          headers: {Location: "/login.html"},
        };
    """,
    "script_type": "javascript",
    "editing_mode": "manual",
}
LOGIN = {
    "status": "301",
    "body": "Redirecting to login page...",
    "headers": {"Location": "/login.html"},
}
THROUGH = {"status": "200"}
SECRET = "referrer-secret-of-partner-site"


async def call(client: httpx.AsyncClient, admin: Admin, method: str, url: str, **kw: Any) -> Any:
    response = await client.request(method, url, headers=admin.headers, **kw)
    assert response.status_code in (200, 201), (url, response.text)
    return response.json()


@pytest.fixture
async def publisher(client: httpx.AsyncClient, admin: Admin) -> Admin:
    """The publisher's admin, once the catalogue, the paywall rule and the referrer are set up."""
    await call(client, admin, "POST", "/v3/entitlements/premium", json={"label": "Premium"})
    meter = {"label": "Free articles", "limit": 3, "period": "monthly", "delivers": ["premium"]}
    await call(client, admin, "POST", "/v3/meters/articles", json={**meter, "auto_assign": "all"})
    await call(client, admin, "PUT", "/v3/request-rules", json=PAYWALL)
    config = {"cdn.trustedReferrerSecret": SECRET}
    await call(client, admin, "POST", "/v3/configuration", json=config)
    return admin


async def reader(client: httpx.AsyncClient, publisher: Admin, email: str, premium: bool) -> str:
    """A registered reader (a subscriber when ``premium``), who can log in with ``pw``."""
    body = {"identifiers": {"email_address": email}, "validators": {"password": "pw"}}
    user_id = (await call(client, publisher, "POST", "/v3/users", json=body))["user_id"]
    if premium:
        grant = {"entitlement_type": "entitlement", "entitlement_id": "premium"}
        await call(client, publisher, "POST", f"/v3/users/{user_id}/grants", json=grant)
    return user_id


async def decide(client: httpx.AsyncClient, publisher: Admin, path: str, **who: Any) -> dict:
    return await call(client, publisher, "POST", "/v3/decision-engine", json={"path": path, **who})


async def anonymous_session(client: httpx.AsyncClient) -> str:
    opened = await client.post("/v4/anonymous-sessions/news")
    assert opened.status_code == 200
    return opened.json()["session_id"]


async def test_an_anonymous_reader_reads_three_articles_then_is_asked_to_log_in(
    client: httpx.AsyncClient, publisher: Admin
) -> None:
    session = await anonymous_session(client)
    for number in (1, 2, 3):
        assert (
            await decide(client, publisher, f"/articles/{number}.html", session=session) == THROUGH
        )
    assert await decide(client, publisher, "/articles/4.html", session=session) == LOGIN
    assert await decide(client, publisher, "/articles/1.html", session=session) == LOGIN
    assert await decide(client, publisher, "/index.html", session=session) == THROUGH
    newcomer = await anonymous_session(client)
    assert await decide(client, publisher, "/articles/4.html", session=newcomer) == THROUGH
    assert await decide(client, publisher, "/articles/4.html") == LOGIN, "no session, no meter"


async def test_a_subscriber_goes_through_however_identified(
    client: httpx.AsyncClient, publisher: Admin, settings: Settings, database: Database
) -> None:
    ann = await reader(client, publisher, "ann@company.com", premium=True)
    text = {**publisher.headers, "Content-Type": "text/plain"}
    await client.put(f"/v3/users/{ann}/foreign-key/update/crm", content=b"ANN-1", headers=text)
    credentials = {
        "identifiers": {"email_address": "ann@company.com"},
        "validators": {"password": "pw"},
    }
    session = (await client.post("/v3/sessions", json=credentials)).json()["session_id"]
    jwt = issue_development_user_jwt(settings, database, user_email="ann@company.com")
    for who in ({"session": session}, {"jwt": jwt}, {"foreign_keys": {"crm": "ANN-1"}}):
        for number in range(1, 6):
            assert await decide(client, publisher, f"/articles/{number}.html", **who) == THROUGH


async def test_a_registered_reader_without_a_subscription_is_metered(
    client: httpx.AsyncClient, publisher: Admin
) -> None:
    await reader(client, publisher, "ben@company.com", premium=False)
    credentials = {
        "identifiers": {"email_address": "ben@company.com"},
        "validators": {"password": "pw"},
    }
    session = (await client.post("/v3/sessions", json=credentials)).json()["session_id"]
    for number in (1, 2, 3):
        assert (
            await decide(client, publisher, f"/articles/{number}.html", session=session) == THROUGH
        )
    assert await decide(client, publisher, "/articles/4.html", session=session) == LOGIN


async def test_a_trusted_referrer_is_let_through_and_a_forged_one_is_not(
    client: httpx.AsyncClient, publisher: Admin
) -> None:
    path = "/articles/shared.html"
    btr = referrer_hash(path, SECRET)
    for _ in range(5):
        assert await decide(client, publisher, path, btr=btr) == THROUGH
    assert await decide(client, publisher, path, btr=referrer_hash(path, "guessed")) == LOGIN
    assert await decide(client, publisher, "/articles/other.html", btr=btr) == LOGIN
    session = await anonymous_session(client)
    for _ in range(4):
        await decide(client, publisher, path, session=session, btr=btr)
    assert await decide(client, publisher, "/articles/1.html", session=session) == THROUGH, (
        "trusted visits use no metered views"
    )


async def test_a_gift_link_opens_one_article_to_whoever_claims_it(
    client: httpx.AsyncClient, publisher: Admin
) -> None:
    gift = (await call(client, publisher, "POST", "/v3/gift", json={"uri": "/articles/gift.html"}))[
        "gift"
    ]
    session = await anonymous_session(client)
    for number in (1, 2, 3):
        await decide(client, publisher, f"/articles/{number}.html", session=session)
    assert await decide(client, publisher, "/articles/gift.html", session=session) == LOGIN
    claim = f"/articles/gift.html?gift={gift}"
    assert await decide(client, publisher, claim, session=session) == THROUGH
    assert await decide(client, publisher, "/articles/gift.html", session=session) == THROUGH
    assert await decide(client, publisher, "/articles/5.html", session=session) == LOGIN
    unclaimed = await call(client, publisher, "GET", "/v3/gift")
    assert gift not in [item["id"] for item in unclaimed]
    other = await anonymous_session(client)
    for number in (1, 2, 3):
        await decide(client, publisher, f"/articles/{number}.html", session=other)
    assert await decide(client, publisher, claim, session=other) == LOGIN, "claimed by another"
