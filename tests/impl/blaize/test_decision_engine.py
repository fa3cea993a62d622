"""The Decision Engine: rules applied in order, who is asking, trusted referrers, failures."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from contractkit.impl.blaize import devtokens
from contractkit.impl.blaize.decisions.trusted_referrer import referrer_hash
from contractkit.impl.blaize.devtokens import issue_development_user_jwt
from contractkit.impl.blaize.people.tokens import issue_user_jwt
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.jwt_hs256 import HS256Tokens
from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.test_accounts_and_companies import new_user
from tests.impl.blaize.test_request_rules import SEED_RULE, rule, save_rule

ECHO = "return JSON.stringify({request: request, user: user, trusted: trusted})"
"""An action answering what the scripts see, as its body."""
SECRET = "shared-with-the-referrer"


async def decide(client: httpx.AsyncClient, admin: Admin, **body: Any) -> httpx.Response:
    return await client.post("/v3/decision-engine", json=body, headers=admin.headers)


async def decided(client: httpx.AsyncClient, admin: Admin, **body: Any) -> dict[str, Any]:
    response = await decide(client, admin, **body)
    assert response.status_code == 200, response.text
    return response.json()


async def seen(client: httpx.AsyncClient, admin: Admin, **body: Any) -> dict[str, Any]:
    """What an ECHO rule's scripts saw of the request."""
    return json.loads((await decided(client, admin, **body))["body"])


async def test_without_rules_every_request_passes_through(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    assert await decided(client, admin, path="/x.html") == {"status": "200"}


async def test_the_seed_rule_decides_get_requests_under_forum(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await save_rule(client, admin, SEED_RULE)
    test = {"status": "200", "body": "this is a test"}
    assert await decided(client, admin, path="/forum/topic?page=2") == test
    assert await decided(client, admin, path="/forum", http_method="GET") == test
    assert await decided(client, admin, path="/forum", http_method="POST") == {"status": "200"}
    assert await decided(client, admin, path="/news/forum") == {"status": "200"}


async def test_the_first_rule_that_decides_wins_in_creation_order(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await save_rule(client, admin, rule("return null"))
    await save_rule(client, admin, rule("if (request.path === '/a') return 'first'"))
    await save_rule(client, admin, rule("return {status: 404, body: 'second'}"))
    assert await decided(client, admin, path="/a") == {"status": "200", "body": "first"}
    assert await decided(client, admin, path="/b") == {"status": "404", "body": "second"}


async def test_an_action_answers_status_body_and_headers(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    redirect = (
        "return {status: 301, body: 'Redirecting to login page...', "
        "headers: {Location: '/login.html', 'Retry-After': 5}}"
    )
    await save_rule(client, admin, rule(redirect, pattern=r"^/x\.html$"))
    await save_rule(client, admin, rule("return {status: '403'}", pattern="^/private"))
    await save_rule(client, admin, rule("return {}", pattern="^/plain"))
    assert await decided(client, admin, path="/x.html", http_method="POST") == {
        "status": "301",
        "body": "Redirecting to login page...",
        "headers": {"Location": "/login.html", "Retry-After": "5"},
    }
    assert await decided(client, admin, path="/private/1") == {"status": "403"}
    assert await decided(client, admin, path="/plain") == {"status": "200"}


async def test_scripts_see_the_request_as_data(client: httpx.AsyncClient, admin: Admin) -> None:
    await save_rule(client, admin, rule(ECHO))
    view = await seen(
        client,
        admin,
        path="/news/story.html?gift=g1&tag=a&tag=b#top",
        request_headers={"User-Agent": "test-agent"},
        content_metadata={"publishedDate": "2024-01-01", "section": {"name": "news"}},
    )
    assert view["request"] == {
        "path": "/news/story.html",
        "url": "/news/story.html?gift=g1&tag=a&tag=b#top",
        "method": "GET",
        "query": {"gift": "g1", "tag": "a"},
        "headers": {"User-Agent": "test-agent"},
        "content_metadata": {"publishedDate": "2024-01-01", "section": {"name": "news"}},
    }
    assert view["user"] == {"id": None, "anonymous": True, "authenticated": False}
    assert view["trusted"] is False


async def post(client: httpx.AsyncClient, admin: Admin, url: str, body: dict[str, Any]) -> None:
    response = await client.post(url, json=body, headers=admin.headers)
    assert response.status_code in (200, 201), response.text


async def catalogue(client: httpx.AsyncClient, admin: Admin) -> str:
    """Entitlement ``gold``, meter ``m`` (2 a month, everyone), credit ``tokens``; joe holds
    gold and 5 tokens and is known by the foreign key ``crm: C-1``."""
    await post(client, admin, "/v3/entitlements/gold", {"label": "Gold"})
    await post(client, admin, "/v3/meters/m", {"limit": 2, "auto_assign": "all"})
    await post(client, admin, "/v3/credits/tokens", {"quantity": 5})
    joe = await new_user(client, admin, "joe@company.com")
    for kind, product in (("entitlement", "gold"), ("credit", "tokens")):
        grant = {"entitlement_type": kind, "entitlement_id": product}
        await post(client, admin, f"/v3/users/{joe}/grants", grant)
    text = {**admin.headers, "Content-Type": "text/plain"}
    await client.put(f"/v3/users/{joe}/foreign-key/update/crm", content=b"C-1", headers=text)
    return joe


JOE = {"crm": "C-1"}
SHOW_REQUIREMENTS = "return JSON.stringify(requirements)"


async def test_requirements_name_what_the_action_sees_of_the_access_model(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await catalogue(client, admin)
    requirements = (
        "return ['entitlement:gold', 'entitlement:silver', 'meter:m', 'meter:none', "
        "'credit:tokens', 'entitlement:gold']"
    )
    await save_rule(client, admin, rule(SHOW_REQUIREMENTS, requirements=requirements))
    for_joe = json.loads((await decided(client, admin, path="/a", foreign_keys=JOE))["body"])
    assert for_joe == {
        "entitlement:gold": {"granted": True, "direct": True, "meteredBy": [], "creditedBy": []},
        "entitlement:silver": {
            "granted": False,
            "direct": False,
            "meteredBy": [],
            "creditedBy": [],
        },
        "meter:m": {"remaining": 2, "limit": 2},
        "meter:none": {"remaining": 0, "limit": 0},
        "credit:tokens": {"remaining": 5},
    }
    anonymous = (await client.post("/v4/anonymous-sessions/news")).json()["session_id"]
    for_session = json.loads((await decided(client, admin, path="/a", session=anonymous))["body"])
    assert for_session["entitlement:gold"]["granted"] is False
    assert for_session["meter:m"] == {"remaining": 2, "limit": 2}
    assert for_session["credit:tokens"] == {"remaining": 0}
    for_nobody = json.loads((await decided(client, admin, path="/a"))["body"])
    assert for_nobody["meter:m"] == {"remaining": 0, "limit": 2}, "nobody cannot be metered"


async def test_a_decision_that_lets_through_counts_meters_and_spends_credits(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await catalogue(client, admin)
    show = (
        "if (request.path === '/show') return JSON.stringify(requirements); "
        "if (request.path === '/login') return {status: 301, meter: 'm', credit: 'tokens'}; "
        "return {meter: request.query.meter || 'm', credit: request.query.credit}"
    )
    await save_rule(client, admin, rule(show, requirements="return ['meter:m', 'credit:tokens']"))

    async def state(**who: Any) -> dict[str, Any]:
        return json.loads((await decided(client, admin, path="/show", **who))["body"])

    assert await decided(client, admin, path="/read?credit=tokens", foreign_keys=JOE) == {
        "status": "200"
    }
    assert await state(foreign_keys=JOE) == {
        "meter:m": {"remaining": 1, "limit": 2},
        "credit:tokens": {"remaining": 4},
    }
    await decided(client, admin, path="/login", foreign_keys=JOE)
    assert (await state(foreign_keys=JOE))["credit:tokens"] == {"remaining": 4}, "not a 2xx"
    unknown = await decide(client, admin, path="/read?credit=nope", foreign_keys=JOE)
    assert unknown.status_code == 409
    assert unknown.json()["message"] == "The decision names the credit 'nope', which does not exist"
    assert (await state(foreign_keys=JOE))["meter:m"] == {"remaining": 1, "limit": 2}, "rolled back"
    anonymous = (await client.post("/v4/anonymous-sessions/news")).json()["session_id"]
    refused = await decide(client, admin, path="/read?credit=tokens", session=anonymous)
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"
    await decided(client, admin, path="/read", session=anonymous)
    assert (await state(session=anonymous))["meter:m"] == {"remaining": 1, "limit": 2}
    assert (await state(foreign_keys=JOE))["meter:m"] == {"remaining": 1, "limit": 2}
    assert await decided(client, admin, path="/read") == {"status": "200"}
    no_meter = await decide(client, admin, path="/read?meter=none")
    assert no_meter.status_code == 409
    assert no_meter.json()["error"] == "script_error"


FAILURES = [
    ("while (true) {}", "return []", "action_script of request rule 'r': exceeded the time"),
    ("", "while (true) {}", "requirements_script of request rule 'r': exceeded the time"),
    ("const a = []; while (true) a.push('x'.repeat(99) + a.length)", "", "exceeded the memory"),
    ("return missing", "", "action_script of request rule 'r': ReferenceError"),
    ("return 42", "", "action_script of request rule 'r' must return a string"),
    ("return {status: 700}", "", "returned the status 700"),
    ("return {status: 200, header: {}}", "", "returned unknown fields ['header']"),
    ("return {headers: {'Bad Name': 'x'}}", "", "returned the header name 'Bad Name'"),
    ("return {headers: {X: 'a\\r\\nb'}}", "", "that is not a one-line string"),
    ("return {body: 1}", "", "returned a body that is not a string"),
    ("return 'x'", "return 'entitlement:gold'", "requirements_script of request rule 'r' must"),
    ("return 'x'", "return ['coupon:1']", "requirements_script of request rule 'r' must"),
]
"""(action_script, requirements_script, part of the error message)"""


async def test_a_rule_that_cannot_decide_answers_409_script_error(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    for script, requirements, message in FAILURES:
        await save_rule(client, admin, rule(script, requirements=requirements, id="r"))
        answered = await decide(client, admin, path="/a")
        assert answered.status_code == 409, answered.text
        assert answered.json()["error"] == "script_error"
        assert message in answered.json()["message"], answered.json()


async def test_a_pattern_that_backtracks_forever_answers_409_pattern_error(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await save_rule(client, admin, rule("return 'matched'", pattern="^(a|aa)+$", id="slow"))
    assert await decided(client, admin, path="aaaa") == {"status": "200", "body": "matched"}
    answered = await decide(client, admin, path="a" * 5000 + "!")
    assert answered.status_code == 409
    assert answered.json() == {
        "status": 409,
        "error": "pattern_error",
        "message": "Request rule 'slow': url_pattern took longer than 100 ms",
    }


async def test_the_user_comes_from_session_jwt_or_foreign_keys_in_that_order(
    client: httpx.AsyncClient, admin: Admin, settings: Settings, database: Database
) -> None:
    ann = await new_user(client, admin, "ann@company.com")
    ben = await new_user(client, admin, "ben@company.com")
    await save_rule(client, admin, rule(ECHO))
    credentials = {
        "identifiers": {"email_address": "ann@company.com"},
        "validators": {"password": "pw"},
    }
    ann_session = (await client.post("/v3/sessions", json=credentials)).json()["session_id"]
    anonymous = (await client.post("/v4/anonymous-sessions/news")).json()["session_id"]
    ben_jwt = issue_development_user_jwt(settings, database, user_email="ben@company.com")
    text = {**admin.headers, "Content-Type": "text/plain"}
    await client.put(f"/v3/users/{ann}/foreign-key/update/crm", content=b"A-1", headers=text)
    await client.put(f"/v3/users/{ben}/foreign-key/update/crm", content=b"B-1", headers=text)
    await client.put(f"/v3/users/{ben}/foreign-key/update/erp", content=b"B-2", headers=text)

    async def user(**body: Any) -> dict[str, Any]:
        return (await seen(client, admin, path="/a", **body))["user"]

    ann_user = {"id": ann, "anonymous": False, "authenticated": True}
    ben_user = {"id": ben, "anonymous": False, "authenticated": True}
    nobody = {"id": None, "anonymous": True, "authenticated": False}
    assert await user(session=ann_session) == ann_user
    assert await user(session=ann_session, jwt=ben_jwt) == ann_user
    assert await user(jwt=ben_jwt, foreign_keys={"crm": "A-1"}) == ben_user
    assert await user(session=anonymous, jwt=ben_jwt) == ben_user
    assert await user(session="unknown", jwt="not.a.jwt", foreign_keys={"crm": "A-1"}) == {
        "id": ann,
        "anonymous": False,
        "authenticated": False,
    }
    assert (await user(foreign_keys={"crm": "B-1", "erp": "B-2"}))["id"] == ben
    assert await user(foreign_keys={"crm": "A-1", "erp": "B-2"}) == nobody
    assert await user(foreign_keys={"crm": "A-1", "none": "x"}) == nobody
    assert await user(session=anonymous) == nobody
    assert await user(session="xxx-xxx-xxx", jwt="xxx-xxx-xxx", foreign_keys={}) == nobody


async def test_invalid_expired_and_foreign_jwts_identify_nobody(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, settings: Settings
) -> None:
    joe = await new_user(client, admin, "joe@company.com")
    await save_rule(client, admin, rule(ECHO))
    blaize = load_blaize_settings(settings)
    assert blaize.user_jwt_secret is not None
    valid = issue_user_jwt(blaize, admin.tenant, joe)
    expired = HS256Tokens(
        blaize.user_jwt_secret, blaize.user_jwt_issuer, -60, audience=admin.tenant
    ).issue({"sub": joe})
    other_issuer = HS256Tokens(blaize.user_jwt_secret, "someone", 60, audience=admin.tenant)
    wrong_key = HS256Tokens(
        "another-secret-" * 3, blaize.user_jwt_issuer, 60, audience=admin.tenant
    )
    other_tenant = issue_user_jwt(blaize, "globex", joe)
    assert (await seen(client, admin, path="/a", jwt=valid))["user"]["id"] == joe
    for token in (
        expired,
        other_issuer.issue({"sub": joe}),
        wrong_key.issue({"sub": joe}),
        other_tenant,
        issue_user_jwt(blaize, admin.tenant, "no-such-user"),
        valid + "x",
    ):
        assert (await seen(client, admin, path="/a", jwt=token))["user"]["anonymous"] is True
    globex = admin_factory("admin@globex.test", tenant="globex")
    await save_rule(client, globex, rule(ECHO))
    seen_by_globex = await seen(client, globex, path="/a", jwt=other_tenant)
    assert seen_by_globex["user"]["anonymous"] is True, "joe is no user of globex"


async def test_a_valid_btr_marks_the_request_trusted(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await save_rule(client, admin, rule(ECHO))
    path = "/news/story.html?utm=x"
    btr = referrer_hash(path, SECRET)
    assert (await seen(client, admin, path=path, btr=btr))["trusted"] is False, "no secret yet"
    saved = await client.post(
        "/v3/configuration", json={"cdn.trustedReferrerSecret": SECRET}, headers=admin.headers
    )
    assert saved.status_code == 200
    assert (await seen(client, admin, path=path, btr=btr))["trusted"] is True
    assert (await seen(client, admin, path=path, btr=btr.upper()))["trusted"] is True
    assert (await seen(client, admin, path=path, btr="0" * 32))["trusted"] is False
    assert (await seen(client, admin, path="/other", btr=btr))["trusted"] is False
    assert (await seen(client, admin, path=path))["trusted"] is False


async def test_bad_input_credentials_and_roles(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    for body in (
        {},
        {"path": ""},
        {"path": "/a", "btr": "not-hex"},
        {"path": "/a", "http_method": "GET "},
    ):
        answered = await client.post("/v3/decision-engine", json=body, headers=admin.headers)
        assert answered.status_code == 400, (body, answered.text)
        assert answered.json()["error"] == "bad_request"
    assert (await client.post("/v3/decision-engine", json={"path": "/a"})).status_code == 401
    viewer = admin_factory("viewer@example.com", role="viewer")
    forbidden = await decide(client, viewer, path="/a")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"


async def test_rules_apply_only_in_their_own_tenant(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    await save_rule(client, admin, rule("return {status: 403}"))
    globex = admin_factory("admin@globex.test", tenant="globex")
    assert await decided(client, admin, path="/a") == {"status": "403"}
    assert await decided(client, globex, path="/a") == {"status": "200"}


async def test_contractkit_token_prints_a_user_jwt_for_the_decision_engine(
    client: httpx.AsyncClient,
    admin: Admin,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    joe = await new_user(client, admin, "joe@company.com")
    await save_rule(client, admin, rule(ECHO))
    for name, value in settings.env.items():
        monkeypatch.setenv(name, value)
    assert devtokens.main(["--user-jwt", "--user-email", "joe@company.com"]) == 0
    token = capsys.readouterr().out.strip()
    assert (await seen(client, admin, path="/a", jwt=token))["user"]["id"] == joe
    assert devtokens.main(["--user-jwt", "--user-email", "nobody@company.com"]) == 2
    assert "no end user 'nobody@company.com'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        devtokens.main(["--user-jwt"])
