"""Writers of one SQLite file take turns, and wake the moment the one before them is done.

SQLite lets one connection write at a time; the others retry on a timer (its busy handler
sleeps 1, 2, 5 ... up to 100 ms between tries). Under a load of concurrent writes those
sleeps, not the work, decide the rate and the tail latency. Here a connection takes its turn
before the first statement that writes (a lock shared by the threads of the process, then
an ``flock`` on ``<file>-writers`` shared by the processes), and gives it back when its
transaction ends: waiting writers are woken by the kernel at once. SQLite's own lock and busy
timeout stay underneath, unchanged.

The turn is taken only by statements that write, so reads never wait. A thread that already
holds the turn through another connection does not wait for itself, and no writer waits
longer than the busy timeout: past it the statement goes ahead and SQLite's lock decides.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads take turns, processes do not
    fcntl = None  # type: ignore[assignment]

_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "WITH", "BEGIN")
"""First keywords of statements that take the turn (``WITH`` may write; ``BEGIN`` is an
explicit ``BEGIN IMMEDIATE``/``EXCLUSIVE`` or a deferred one about to write)."""


def _writes(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITING)


class WriterTurns:
    """The turn to write one database file, for the threads and processes that use it."""

    def __init__(self, path: str, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._file: int | None = None
        self._file_pid = 0

    def take(self, wait_seconds: float | None = None) -> bool:
        """Wait for the turn (by default up to :attr:`wait_seconds`); whether it was taken
        (``False``: this thread already holds it, or the wait ran out)."""
        me = threading.get_ident()
        if self._owner == me:
            return False
        wait = self.wait_seconds if wait_seconds is None else wait_seconds
        if not self._lock.acquire(timeout=wait):
            return False
        self._owner = me
        with contextlib.suppress(OSError):  # no lock file (read-only folder): threads only
            self._lock_file()
        return True

    def give(self) -> None:
        """Give the turn back (only by a connection that took it)."""
        try:
            if fcntl is not None and self._file is not None and self._file_pid == os.getpid():
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._owner = None
            self._lock.release()

    def _lock_file(self) -> None:
        if fcntl is None:
            return
        if self._file is None or self._file_pid != os.getpid():
            # After fork() the inherited descriptor would share the parent's lock.
            self._file = os.open(self.path + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
            self._file_pid = os.getpid()
        fcntl.flock(self._file, fcntl.LOCK_EX)


_TURNS: dict[str, WriterTurns] = {}
_TURNS_LOCK = threading.Lock()


def turns_for(path: str, wait_seconds: float) -> WriterTurns:
    """The one :class:`WriterTurns` of the process for this database file."""
    key = os.path.abspath(path)
    with _TURNS_LOCK:
        found = _TURNS.get(key)
        if found is None:
            found = _TURNS[key] = WriterTurns(key, wait_seconds)
        return found


class TurnTakingCursor(sqlite3.Cursor):
    """A cursor whose writing statements wait for the connection's turn."""

    connection: TurnTakingConnection

    def execute(self, sql: str, parameters: Any = (), /) -> TurnTakingCursor:
        return self._in_turn(super().execute, sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> TurnTakingCursor:
        return self._in_turn(super().executemany, sql, parameters)

    def _in_turn(self, run: Any, sql: str, parameters: Any) -> TurnTakingCursor:
        connection = self.connection
        connection.before(sql)
        try:
            run(sql, parameters)
        finally:
            connection.after()
        return self


class TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection that writes only in its turn (pass as ``factory=`` to
    :func:`sqlite3.connect`; the turn is shared by every connection to the same file)."""

    turn_wait_seconds = 15.0
    """How long a writer waits for its turn before going ahead (SQLite's busy timeout, which
    :mod:`contractkit.impl.db` sets from this, then decides)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._turns = turns_for(str(database), self.turn_wait_seconds)
        self._holding = False

    def cursor(self, factory: Any = TurnTakingCursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)

    def before(self, sql: str) -> None:
        if not self._holding and _writes(sql):
            self._holding = self._turns.take()

    def after(self) -> None:
        if self._holding and not self.in_transaction:
            self._give()  # committed by the statement itself (autocommit), or never begun

    def commit(self) -> None:
        self._ending(super().commit)

    def rollback(self) -> None:
        self._ending(super().rollback)

    def close(self) -> None:
        self._ending(super().close)

    def _ending(self, end: Any) -> None:
        """``end()`` the transaction (or the connection), then give the turn back."""
        try:
            end()
        finally:
            self._give()

    def _give(self) -> None:
        if self._holding:
            self._holding = False
            self._turns.give()
