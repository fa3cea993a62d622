"""The first admin from configuration, POST /v3/initialize, and development sessions."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from contractkit.impl.app import create_app
from contractkit.impl.blaize.devtokens import DevelopmentTokensDisabled, issue_development_session
from contractkit.impl.blaize.identity.models import AdminRole, AdminUser
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.config import ConfigurationError, load_settings
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import PASSWORD, AdminFactory


@pytest.fixture
def bootstrap_env(blaize_env: dict[str, str]) -> dict[str, str]:
    return {
        **blaize_env,
        "BLAIZE_INITIAL_ADMIN_EMAIL": "First@Example.com",
        "BLAIZE_INITIAL_ADMIN_PASSWORD": "first-password",
        "BLAIZE_DEFAULT_TENANT": "acme",
    }


async def test_fresh_installation_is_initialized_by_the_configured_admin(
    bootstrap_env: dict[str, str], database: Database
) -> None:
    app = create_app(["blaize"], settings=load_settings(bootstrap_env), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b.test/blaize") as client:
        body = {
            "identifiers": {"email_address": "first@example.com"},
            "validators": {"password": "first-password"},
        }
        login = await client.post("/v3/admin/login", json=body)
        assert login.status_code == 200
        client.cookies.clear()
        session = {"Cookie": login.json()["cookie"]}
        before = await client.get("/v3/admin/roles", headers=session)
        assert before.status_code == 403
        assert "initialize" in before.json()["message"]
        installed = await client.post("/v3/initialize", headers=session)
        assert installed.json() == {"message": "Tenant installed successfully"}
        roles = (await client.get("/v3/admin/roles", headers=session)).json()
        assert [(r["email"], r["role"]) for r in roles] == [("first@example.com", "admin")]
        config = (await client.get("/v3/configuration", headers=session)).json()
        assert config == {"authentication.password.requireEmailVerfication": "false"}
        again = await client.post("/v3/initialize", headers=session)
        assert again.status_code == 409
        assert (await client.post("/v3/initialize")).status_code == 401
    with database.transaction() as db_session:
        tenant = db_session.get(Tenant, "acme")
        assert tenant is not None and tenant.installed_at is not None


def test_initial_admin_is_created_only_on_a_fresh_installation(
    bootstrap_env: dict[str, str], database: Database
) -> None:
    create_app(["blaize"], settings=load_settings(bootstrap_env), database=database)
    changed = {**bootstrap_env, "BLAIZE_INITIAL_ADMIN_EMAIL": "second@example.com"}
    create_app(["blaize"], settings=load_settings(changed), database=database)
    with database.transaction() as session:
        emails = session.scalars(select(AdminUser.email)).all()
    assert emails == ["first@example.com"]


def test_initial_admin_settings_come_together(blaize_env: dict[str, str]) -> None:
    from contractkit.impl.blaize.settings import load_blaize_settings

    with pytest.raises(ConfigurationError):
        load_blaize_settings(load_settings({**blaize_env, "BLAIZE_INITIAL_ADMIN_EMAIL": "a@b.c"}))
    with pytest.raises(ConfigurationError):
        load_blaize_settings(load_settings({**blaize_env, "BLAIZE_DEFAULT_TENANT": "no spaces"}))


async def test_only_an_admin_created_in_the_tenant_may_install_it(
    client: httpx.AsyncClient, admin_factory: AdminFactory, database: Database
) -> None:
    admin = admin_factory("root@example.com")
    with database.transaction() as session:
        session.add(Tenant(id="fresh"))
        session.flush()
        session.add(AdminRole(id="r1", tenant_id="fresh", email=admin.email, role="admin"))
    body = {
        "identifiers": {"email_address": admin.email, "tenant": "fresh"},
        "validators": {"password": PASSWORD},
    }
    login = await client.post("/v3/admin/login", json=body)
    client.cookies.clear()
    session_header = {"blaize-admin-session": login.json()["cookie"].split("=", 1)[1]}
    response = await client.post("/v3/initialize", headers=session_header)
    assert response.status_code == 403
    with database.transaction() as session:
        assert session.get(Tenant, "fresh").installed_at is None  # type: ignore[union-attr]


def test_development_sessions_are_refused_in_production(
    blaize_env: dict[str, str], database: Database
) -> None:
    production = load_settings({**blaize_env, "CONTRACTKIT_ENV": "production"})
    with pytest.raises(DevelopmentTokensDisabled):
        issue_development_session(production, database, email="a@example.com")
