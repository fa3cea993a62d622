"""A database too busy to take the work answers 503 with Retry-After, never 500."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from contractkit.impl.db import Database
from contractkit.impl.web.failures import to_api_error


def test_a_locked_sqlite_database_is_a_503(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(OperationalError) as caught, impatient.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.dispose()
    error = to_api_error(caught.value)
    assert (error.status, error.code) == (503, "busy")
    assert error.headers == {"Retry-After": "1"}


def test_other_database_errors_stay_500() -> None:
    failure = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: t"))
    assert to_api_error(failure).status == 500


def test_sqlite_runs_in_wal_mode_and_waits_for_locks(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        database.dispose()


def test_too_deep_a_structure_anywhere_is_a_400() -> None:
    error = to_api_error(RecursionError("maximum recursion depth exceeded"))
    assert (error.status, error.code) == (400, "invalid_data")
