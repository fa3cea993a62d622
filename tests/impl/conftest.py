"""Fixtures for the reference implementation: settings, a clean database, an in-process app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Base, Database

TEST_SECRET = "test-signing-secret-that-is-long-enough-0123456789"


def _reset_schema(db: Database) -> None:
    """Drop every table so each test starts from an empty, freshly migrated database."""
    import contractkit.impl.models  # noqa: F401

    with db.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "CONTRACTKIT_DATA_DIR": str(tmp_path / "data"),
        "PEERLY_JWT_SECRET": TEST_SECRET,
        "PEERLY_ORGANISATIONS": "Example Corp=example.com,Other Org=other.org",
        "PEERLY_GOOGLE_TOKENINFO_URL": "http://127.0.0.1:9/unreachable",
    }
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        env["DATABASE_URL"] = url
    return env


@pytest.fixture
def settings(base_env: dict[str, str]) -> Settings:
    return load_settings(base_env)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings.database_url)
    _reset_schema(db)
    yield db
    db.dispose()
