"""PERS fixtures: the app on local storage, a client, and credentials for two tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from contractkit.impl.app import create_app
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database
from contractkit.impl.pers.devtokens import create_development_project_key, issue_development_token
from tests.impl.storage.moto_s3 import MotoS3, moto_s3

__all__ = ["moto_s3"]

PERS_SECRET = "pers-test-secret-that-is-long-enough-0123456789"
GLOBEX_KEY = "globex-configured-project-key-0123"
MAX_UPLOAD_BYTES = 32 * 1024
BASE = "http://pers.test/pers/v2"


@pytest.fixture
def pers_env(base_env: dict[str, str]) -> dict[str, str]:
    return {
        **base_env,
        "PERS_JWT_SECRET": PERS_SECRET,
        "PERS_PROJECT_KEYS": f"globex={GLOBEX_KEY}",
        "PERS_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
    }


@pytest.fixture
def settings(pers_env: dict[str, str]) -> Settings:
    return load_settings(pers_env)


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(["pers"], settings=settings, database=database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        yield c


@pytest.fixture
def acme_jwt(settings: Settings) -> dict[str, str]:
    token = issue_development_token(settings, tenant="acme", role="admin")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def acme_key(settings: Settings, database: Database) -> dict[str, str]:
    return {"x-project-key": create_development_project_key(settings, database, tenant="acme")}


@pytest.fixture
def globex_key() -> dict[str, str]:
    return {"x-project-key": GLOBEX_KEY}


@pytest.fixture
def storage_root(settings: Settings) -> Path:
    return settings.data_dir / "storage"


def stored_files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def s3_settings(pers_env: dict[str, str], moto_s3: MotoS3) -> tuple[Settings, str]:
    bucket = moto_s3.new_bucket()
    env = {**pers_env, **moto_s3.env, "CONTRACTKIT_STORAGE_URL": moto_s3.storage_url(bucket)}
    return load_settings(env), bucket
