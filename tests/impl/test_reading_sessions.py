"""Sessions for handlers that only read: no transaction around their statements, no writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from contractkit.impl.db import Database, ReadOnlySessionError
from tests.impl.postgres import postgres_url


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    __tablename__ = "reading_test_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(50))


def _database(url: str) -> Database:
    database = Database(url, pool_size=2)
    _Base.metadata.drop_all(database.engine)
    _Base.metadata.create_all(database.engine)
    with database.transaction() as session:
        session.add(Note(id=1, text="kept"))
    return database


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = _database(f"sqlite:///{tmp_path / 'notes.db'}")
    yield database
    database.dispose()


def _stored_text(database: Database) -> list[str]:
    with database.transaction() as session:
        return list(session.scalars(select(Note.text).order_by(Note.id)))


def test_a_reading_session_sees_what_was_committed(database: Database) -> None:
    with database.reading() as session:
        assert session.get(Note, 1) is not None
        assert list(session.scalars(select(Note.text))) == ["kept"]


def test_a_new_row_is_refused_and_not_stored(database: Database) -> None:
    with pytest.raises(ReadOnlySessionError), database.reading() as session:
        session.add(Note(id=2, text="sneaked in"))
    assert _stored_text(database) == ["kept"]


def test_a_changed_row_is_refused_at_the_next_query(database: Database) -> None:
    with pytest.raises(ReadOnlySessionError), database.reading() as session:
        note = session.get(Note, 1)
        assert note is not None
        note.text = "changed"
        session.scalars(select(Note)).all()  # autoflush
    assert _stored_text(database) == ["kept"]


def test_a_change_left_pending_is_refused_when_the_block_ends(database: Database) -> None:
    with pytest.raises(ReadOnlySessionError), database.reading() as session:
        note = session.get(Note, 1)
        assert note is not None
        session.delete(note)
    assert _stored_text(database) == ["kept"]


def test_a_writing_statement_is_refused(database: Database) -> None:
    with pytest.raises(ReadOnlySessionError), database.reading() as session:
        session.execute(update(Note).where(Note.id == 1).values(text="rewritten"))
    assert _stored_text(database) == ["kept"]


def test_on_postgresql_reads_run_outside_a_transaction() -> None:
    """A reading session's statement leaves the connection idle (no ``BEGIN`` was sent); a
    transaction's leaves it inside one, until ``COMMIT``."""
    import psycopg

    with postgres_url() as url:
        database = _database(url)
        try:
            with database.reading() as session:
                assert session.get(Note, 1) is not None
                raw = session.connection().connection.dbapi_connection
                assert isinstance(raw, psycopg.Connection)
                assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            with database.transaction() as session:
                assert session.get(Note, 1) is not None
                raw = session.connection().connection.dbapi_connection
                assert isinstance(raw, psycopg.Connection)
                assert raw.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        finally:
            _Base.metadata.drop_all(database.engine)
            database.dispose()
