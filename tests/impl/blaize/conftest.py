"""Blaize fixtures: the app, a client, admin sessions and signed requests."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from contractkit.impl.app import create_app
from contractkit.impl.blaize.devtokens import issue_development_session
from contractkit.impl.blaize.identity.signing import authorization_header
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database

MASTER_KEY = "blaize-test-master-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def blaize_env(base_env: dict[str, str]) -> dict[str, str]:
    return {
        **base_env,
        "BLAIZE_MASTER_KEY": MASTER_KEY,
        "BLAIZE_ARGON2_TIME_COST": "1",
        "BLAIZE_ARGON2_MEMORY_KIB": "1024",
    }


@pytest.fixture
def settings(blaize_env: dict[str, str]) -> Settings:
    return load_settings(blaize_env)


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(["blaize"], settings=settings, database=database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://blaize.test/blaize") as c:
        yield c


@dataclass(frozen=True)
class Admin:
    id: str
    email: str
    tenant: str
    session_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"blaize-admin-session": self.session_id}


AdminFactory = Callable[..., Admin]


@pytest.fixture
def admin_factory(settings: Settings, database: Database, app) -> AdminFactory:  # type: ignore[no-untyped-def]
    """Admin users with sessions (``app`` first, so that the schema is migrated)."""

    def make(
        email: str, role: str | None = "admin", tenant: str = "default", password: str = PASSWORD
    ) -> Admin:
        issued = issue_development_session(
            settings, database, email=email, role=role, tenant=tenant, password=password
        )
        return Admin(issued.admin_user_id, email, issued.tenant, issued.session_id)

    return make


@pytest.fixture
def admin(admin_factory: AdminFactory) -> Admin:
    return admin_factory("root@example.com")


def signed_headers(
    access_key: str,
    secret_key: str,
    method: str,
    url: str,
    body: bytes = b"",
    *,
    timestamp_ms: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The Authorization header for a request to ``url`` (below the mount point)."""
    parts = urlsplit(url)
    header = authorization_header(
        access_key,
        secret_key,
        method=method,
        path=parts.path,
        raw_query=parts.query,
        body=body,
        timestamp_ms=timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        nonce=nonce or secrets.token_urlsafe(18),
    )
    return {"Authorization": header}
