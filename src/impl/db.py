"""Database engine, sessions and schema migrations (SQLAlchemy 2 + Alembic)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    CursorResult,
    Engine,
    MetaData,
    Result,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    ORMExecuteState,
    Session,
    make_transient_to_detached,
    sessionmaker,
)

from contractkit.impl.sqlite_turns import TurnTakingConnection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table of every API."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


SQLITE_BUSY_TIMEOUT_MS = int(TurnTakingConnection.turn_wait_seconds * 1000)
"""How long a SQLite connection waits for another's write lock before giving up (then 503);
the same as a writer waits for its turn."""


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on; WAL journal (readers never wait for the writer); wait for locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_private_file(path: Path) -> None:
    """Create ``path`` (mode 0600) in a folder only we may enter (0700), unless it exists."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


DEFAULT_POOL_SIZE = 40
"""Connections each process keeps open: one per worker thread of the server (anyio's 40), so
a loaded server never opens (and sets up) a connection per request."""


def make_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Create an engine for ``url``; a SQLite file is created private (0600) in WAL mode.

    Both SQLite files and PostgreSQL keep up to ``pool_size`` connections open (a queue pool),
    each set up once when it is opened; beyond that, up to ``pool_size / 4`` more are opened
    for a burst and closed again.
    """
    pool = {"pool_size": pool_size, "max_overflow": max(pool_size // 4, 1), "pool_timeout": 30}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        memory = url == "sqlite://" or path in ("", ":memory:") or "mode=memory" in url
        if not memory and not path.startswith("file:"):
            _create_private_file(Path(path))
        connect_args: dict[str, Any] = {"check_same_thread": False}
        if not memory:
            connect_args["factory"] = TurnTakingConnection  # writers wake, not poll
        engine = create_engine(url, connect_args=connect_args, **({} if memory else pool))
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No ping before each checkout (a round trip per transaction): a connection the server
    # dropped fails its one statement, and the pool then replaces every connection it holds.
    return create_engine(url, pool_recycle=1800, **pool)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision`` (by default every API's newest migration).

    Each API keeps its own branch of migrations (``branch_labels = ("<api>",)``), so APIs
    evolve their tables independently.
    """
    command.upgrade(alembic_config(engine), revision)


@functools.cache
def _newest_revisions() -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def schema_problem(engine: Engine) -> str | None:
    """Why the database cannot serve now (unreachable, schema not at the newest migration)."""
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        return f"database unreachable ({type(exc).__name__})"
    if current != _newest_revisions():
        return "database schema is not at the newest migration"
    return None


class ReadOnlySessionError(RuntimeError):
    """A session from :meth:`Database.reading` was asked to write."""

    def __init__(self) -> None:
        super().__init__("this session only reads; open Database.transaction() to write")


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySessionError()


def _refuse_write_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySessionError()


class Database:
    """An engine with its session factory; one per application."""

    def __init__(self, url: str, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self.engine = make_engine(url, pool_size)
        self.single_statements = (
            self.engine
            if self.engine.dialect.name == "sqlite"
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        """The same pool, for reads of one statement: no ``BEGIN`` or ``ROLLBACK`` around it
        (on PostgreSQL, one round trip instead of three). SQLite's driver opens a transaction
        only before a write, so there the engine itself serves: switching its connections to
        autocommit and back would cost a ``PRAGMA`` each way and save nothing."""
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.single_statements)
        event.listen(self._readers, "before_flush", _refuse_writes)
        event.listen(self._readers, "do_orm_execute", _refuse_write_statements)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for handlers that only read: each statement runs on its own, with no
        ``BEGIN`` or ``COMMIT`` around it (on PostgreSQL two round trips fewer per request).

        Each statement sees what was committed before it began, as in a READ COMMITTED
        transaction. Changes are refused (:class:`ReadOnlySessionError`): at a flush, at a
        writing statement, or when the block ends with changes pending.
        """
        session = self._readers()
        try:
            yield session
            _refuse_writes(session, None, None)
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


Model = TypeVar("Model", bound=Base)


class DetachedRows(Generic[Model]):
    """A model's rows read without an ORM session (a Core query, much cheaper per request).

    :attr:`columns` go into the ``select``; :meth:`build` turns their values, in the same
    order, into a detached instance, which a session later adopts without another query
    (``session.merge(instance, load=False)``). Relationships are not loaded: they load when
    first used in that session.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self._attributes = tuple(inspect(model).column_attrs)
        self.columns: tuple[Column[Any], ...] = tuple(
            cast("Column[Any]", attribute.columns[0]) for attribute in self._attributes
        )

    def build(self, row: Sequence[Any], start: int = 0) -> Model:
        """The instance whose columns are ``row[start : start + len(self.columns)]``."""
        values = row[start : start + len(self._attributes)]
        pairs = zip(self._attributes, values, strict=True)
        instance = self.model(**{attribute.key: value for attribute, value in pairs})
        make_transient_to_detached(instance)
        return instance


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (``Session.execute`` types it as any result)."""
    return cast("CursorResult[Any]", result).rowcount
