"""Alembic migrations build the schema the models describe, from nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import contractkit.impl.models  # noqa: F401
from contractkit.impl.db import Base, Database, migrate


def test_fresh_database_migrates_to_the_models(database: Database) -> None:
    migrate(database.engine)
    tables = set(inspect(database.engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_to_nothing_and_up_again(database: Database) -> None:
    from alembic import command

    from contractkit.impl.db import alembic_config

    migrate(database.engine)
    command.downgrade(alembic_config(database.engine), "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    migrate(database.engine)
    assert "peerly_users" in inspect(database.engine).get_table_names()


def test_sqlite_file_database_is_created_with_no_setup(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'nested' / 'app.db'}")
    migrate(db.engine)
    assert (tmp_path / "nested" / "app.db").exists()
    db.dispose()
