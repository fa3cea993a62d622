"""Chainsite fixtures: the app on local storage (or S3 on moto), clients and users with tokens."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from contractkit.impl.app import create_app
from contractkit.impl.chainsite.devtokens import issue_development_token
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database
from tests.impl.storage.moto_s3 import MotoS3, moto_s3

CHAINSITE_SECRET = "chainsite-test-secret-that-is-long-enough-0123456789"
MAX_UPLOAD_BYTES = 64 * 1024
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)
BASE = "http://chainsite.test/chainsite"

__all__ = ["moto_s3"]


@pytest.fixture
def chainsite_env(base_env: dict[str, str]) -> dict[str, str]:
    return {
        **base_env,
        "CHAINSITE_JWT_SECRET": CHAINSITE_SECRET,
        "CHAINSITE_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
    }


@pytest.fixture
def settings(chainsite_env: dict[str, str]) -> Settings:
    return load_settings(chainsite_env)


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(["chainsite"], settings=settings, database=database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        yield c


@pytest.fixture
def storage_root(settings: Settings) -> Path:
    return settings.data_dir / "storage" / "chainsite"


def stored_files(root: Path) -> list[str]:
    """Every file the local storage holds (finished or not)."""
    top = root.parent
    if not top.exists():
        return []
    return sorted(str(p.relative_to(top)) for p in top.rglob("*") if p.is_file())


@dataclass(frozen=True)
class User:
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


UserFactory = Callable[[], User]


@pytest.fixture
def user_factory(settings: Settings) -> UserFactory:
    def make() -> User:
        token, user_id = issue_development_token(settings)
        return User(user_id, token)

    return make


@pytest.fixture
def alice(user_factory: UserFactory) -> User:
    return user_factory()


@pytest.fixture
def bob(user_factory: UserFactory) -> User:
    return user_factory()


@pytest.fixture
def s3_env(chainsite_env: dict[str, str], moto_s3: MotoS3) -> Iterator[tuple[dict[str, str], str]]:
    bucket = moto_s3.new_bucket()
    yield (
        {**chainsite_env, **moto_s3.env, "CHAINSITE_STORAGE_URL": moto_s3.storage_url(bucket)},
        bucket,
    )
