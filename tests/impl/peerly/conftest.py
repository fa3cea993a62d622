"""Peerly fixtures: a fake identity provider, the app, clients and users with tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from contractkit.impl.app import create_app
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database
from contractkit.impl.peerly.devtokens import issue_development_token
from contractkit.impl.peerly.models import Role
from tests.impl.peerly.idp import FakeIdentityProvider


@pytest.fixture(scope="session")
def idp() -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def settings(base_env: dict[str, str], idp: FakeIdentityProvider) -> Settings:
    return load_settings(
        {**base_env, "PEERLY_GOOGLE_TOKENINFO_URL": idp.url, "PEERLY_HI5_QUOTA": "3"}
    )


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(["peerly"], settings=settings, database=database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://peerly.test/peerly") as c:
        yield c


@dataclass(frozen=True)
class Person:
    id: int
    org_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


PersonFactory = Callable[..., Person]


@pytest.fixture
def person(settings: Settings, database: Database) -> PersonFactory:
    def make(email: str, role: Role = Role.EMPLOYEE) -> Person:
        issued = issue_development_token(settings, database, email=email, role=role)
        return Person(issued.user_id, issued.org_id, issued.token)

    return make


@pytest.fixture
def admin(person: PersonFactory) -> Person:
    return person("admin@example.com", Role.ADMIN)


@pytest.fixture
def employee(person: PersonFactory) -> Person:
    return person("bob.builder@example.com")
