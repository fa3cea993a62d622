"""State in a SQLite file: shared by the worker processes of one machine, kept across restarts.

One connection per process (reopened after ``fork()``), the file in WAL mode so readers never
wait for a writer, and writers serialised by SQLite itself: counters are one upsert statement,
an update is a compare-and-set on the stored text. ``seq`` (the rowid, always above every
row present) orders a bucket.
Lists are filtered, counted and paged in SQL (``json_extract``, ``json_each``), so a page costs
the rows it shows rather than the whole bucket.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own busy lock alone
    fcntl = None  # type: ignore[assignment]

from contractkit.mock.json_codec import load_object, load_objects, to_text
from contractkit.mock.state.backend import (
    Change,
    JSONObject,
    StateBackend,
    StateBackendError,
    process_id,
)
from contractkit.mock.state.listing import Listing, Page, query_text

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS contractkit_mock_items ("
    " seq INTEGER PRIMARY KEY, namespace TEXT NOT NULL, bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (namespace, bucket, key))",
    "CREATE TABLE IF NOT EXISTS contractkit_mock_counters ("
    " namespace TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY (namespace, name))",
    "CREATE INDEX IF NOT EXISTS contractkit_mock_items_order"
    " ON contractkit_mock_items (namespace, bucket, seq)",
)
_NEXT_NUMBER = (
    "UPDATE contractkit_mock_counters SET value = value + 1 WHERE namespace = ? AND name = ?"
)
_FIRST_NUMBER = "INSERT INTO contractkit_mock_counters (namespace, name, value) VALUES (?, ?, 1)"
_CURRENT_NUMBER = "SELECT value FROM contractkit_mock_counters WHERE namespace = ? AND name = ?"
_QUERY_TEXT = "contractkit_query_text"
_BUSY_TIMEOUT_MS = 30_000
_UPDATE_ATTEMPTS = 100


def _sql_text(kind: str, value: str) -> str:
    """SQL spelling a JSON value of type ``kind`` as :func:`query_text` does (a Python function
    for the types SQL would spell differently: reals, objects and arrays)."""
    return (
        f"CASE {kind} WHEN 'text' THEN {value} WHEN 'integer' THEN CAST({value} AS TEXT)"
        f" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null'"
        f" ELSE {_QUERY_TEXT}({kind}, {value}) END"
    )


def _query_text_of(kind: str | None, value: object) -> str | None:
    if kind is None:
        return None  # the field is missing: nothing matches
    if kind in ("object", "array") and isinstance(value, str):
        return query_text(json.loads(value))
    return query_text(value)


def _json_path(name: str) -> str | None:
    """The JSON path of a top-level field (``None`` for names a path cannot quote)."""
    return None if '"' in name or "\\" in name else f'$."{name}"'


@functools.lru_cache(maxsize=256)
def _filter_clauses(counts: tuple[int, ...]) -> str:
    """The condition for fields ``:p0``, ``:p1``... each wanted among ``counts[i]`` values
    ``:w{i}_{j}``: the field's JSON type read once, then only what that type needs (a missing
    field is NULL, which keeps nothing)."""
    clauses: list[str] = []
    for number, count in enumerate(counts):
        among = "IN (" + ", ".join(f":w{number}_{index}" for index in range(count)) + ")"
        field = f"body, :p{number}"
        entry = _sql_text("e.type", "e.value")
        clauses.append(
            f"CASE json_type({field})"
            f" WHEN 'array' THEN EXISTS"
            f" (SELECT 1 FROM json_each({field}) AS e WHERE {entry} {among})"
            f" WHEN 'text' THEN json_extract({field}) {among}"
            f" WHEN 'integer' THEN CAST(json_extract({field}) AS TEXT) {among}"
            f" WHEN 'true' THEN 'true' {among} WHEN 'false' THEN 'false' {among}"
            f" WHEN 'null' THEN 'null' {among}"
            f" ELSE {_QUERY_TEXT}(json_type({field}), json_extract({field})) {among} END"
        )
    return "".join(f" AND {clause}" for clause in clauses)


def _filter_sql(paths: list[tuple[str, frozenset[str]]]) -> tuple[str, dict[str, object]]:
    """The condition (and its named values) that keeps the rows whose fields match."""
    values: dict[str, object] = {}
    for number, (path, wanted) in enumerate(paths):
        values[f"p{number}"] = path
        for index, text in enumerate(sorted(wanted)):
            values[f"w{number}_{index}"] = text
    return _filter_clauses(tuple(len(wanted) for _, wanted in paths)), values


def _counted(connection: sqlite3.Connection, key: tuple[str, str]) -> int:
    """Count one up on counter ``key`` (namespace, name) inside a write transaction."""
    if connection.execute(_NEXT_NUMBER, key).rowcount == 0:
        connection.execute(_FIRST_NUMBER, key)
        return 1
    row = connection.execute(_CURRENT_NUMBER, key).fetchone()
    return int(row[0])


class SqliteBackend(StateBackend):
    """Buckets and counters in two tables of one SQLite file."""

    holds_commits = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.url = str(self.path.absolute())
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._writers: int | None = None
        self._pid = 0
        self._holding = False
        self._held: sqlite3.Connection | None = None
        """The connection whose transaction holds writes (see :meth:`hold_commits`)."""

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == process_id():
            return self._connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.create_function(_QUERY_TEXT, 2, _query_text_of, deterministic=True)
            connection.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                connection.execute(statement)
            connection.execute("COMMIT")
            writers = os.open(
                self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateBackendError(f"cannot use the state file {self.path}: {exc}") from exc
        self._connection, self._writers, self._pid = connection, writers, process_id()
        return connection

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The connection, with the writers' lock file held: processes that write take turns
        in the kernel and wake as soon as the lock is free, instead of polling SQLite's busy
        lock with sleeps of a millisecond or more."""
        connection = self._connect()
        if self._held is connection:
            yield connection
            return
        self._lock_writers()
        if self._holding:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._unlock_writers()
                raise
            self._held = connection  # committed, and the lock file freed, on release
            yield connection
            return
        try:
            yield connection
        finally:
            self._unlock_writers()

    def _lock_writers(self) -> None:
        if fcntl is not None and self._writers is not None:
            fcntl.flock(self._writers, fcntl.LOCK_EX)

    def _unlock_writers(self) -> None:
        if fcntl is not None and self._writers is not None:
            fcntl.flock(self._writers, fcntl.LOCK_UN)

    def hold_commits(self) -> None:
        with self._lock:
            self._holding = True

    def release_commits(self) -> bool:
        with self._lock:
            self._holding = False
            held, self._held = self._held, None
            if held is None:
                return True
            try:
                if not held.in_transaction:
                    return False  # SQLite rolled it back after a failed statement
                held.execute("COMMIT")
                return True
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    held.execute("ROLLBACK")
                return False
            finally:
                self._unlock_writers()

    def _run(self, sql: str, values: Sequence[object] | Mapping[str, object], fetch: str) -> Any:
        """One statement under the lock; ``fetch``: ``one`` row, ``all`` rows, ``count`` of
        rows changed by a write, or ``written`` (the row a write's ``RETURNING`` gives).
        Writes hold the writers' lock; errors become :class:`StateBackendError`."""
        with self._lock:
            try:
                if fetch in ("count", "written"):
                    held = self._held
                    if held is not None and held is self._connect():
                        cursor = held.execute(sql, values)  # the turn's transaction is open
                        return cursor.rowcount if fetch == "count" else cursor.fetchone()
                    with self._writing() as writer:
                        cursor = writer.execute(sql, values)
                        return cursor.rowcount if fetch == "count" else cursor.fetchone()
                cursor = self._connect().execute(sql, values)
                return cursor.fetchone() if fetch == "one" else cursor.fetchall()
            except sqlite3.Error as exc:
                raise StateBackendError(f"the state file {self.path} failed: {exc}") from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._writing() as connection:
            if self._held is connection:
                yield connection  # inside the held transaction already
                return
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StateBackendError(f"the state file {self.path} failed: {exc}") from exc

    def next_number(self, namespace: str, counter: str) -> int:
        """The counter's next value: an ``UPDATE`` then a ``SELECT`` in one write transaction
        (atomic under the writers' lock; one ``UPSERT ... RETURNING`` costs several times
        as much through Python's sqlite3)."""
        key = (namespace, counter)
        with self._lock:
            try:
                held = self._held
                if held is not None and held is self._connect():
                    return _counted(held, key)  # the turn's transaction is open
                with self._transaction() as connection:
                    return _counted(connection, key)
            except sqlite3.Error as exc:
                raise StateBackendError(f"the state file {self.path} failed: {exc}") from exc

    def _body(self, namespace: str, bucket: str, key: str) -> str | None:
        row = self._run(
            "SELECT body FROM contractkit_mock_items"
            " WHERE namespace = ? AND bucket = ? AND key = ?",
            (namespace, bucket, key),
            "one",
        )
        return str(row[0]) if row is not None else None

    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        body = self._body(namespace, bucket, key)
        return load_object(body) if body is not None else None

    def contains_any(self, namespace: str, bucket: str, keys: list[str]) -> bool:
        if not keys:
            return False
        marks = ", ".join("?" * len(keys))
        row = self._run(
            "SELECT 1 FROM contractkit_mock_items"
            f" WHERE namespace = ? AND bucket = ? AND key IN ({marks}) LIMIT 1",
            (namespace, bucket, *keys),
            "one",
        )
        return row is not None

    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        inserted = self._run(
            "INSERT INTO contractkit_mock_items (namespace, bucket, key, body)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, bucket, key) DO NOTHING",
            (namespace, bucket, key, to_text(item)),
            "count",
        )
        return bool(inserted == 1)

    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        """Read, change, then write only if nobody wrote in between (compare-and-set on the
        stored text, one statement), else read again: atomic without holding a write lock
        while ``change`` runs."""
        for _ in range(_UPDATE_ATTEMPTS):
            body = self._body(namespace, bucket, key)
            if body is None:
                return None
            changed = change(load_object(body))
            written = self._run(
                "UPDATE contractkit_mock_items SET body = ?"
                " WHERE namespace = ? AND bucket = ? AND key = ? AND body = ?",
                (to_text(changed), namespace, bucket, key, body),
                "count",
            )
            if written == 1:
                return changed
        raise StateBackendError(
            f"the state file {self.path} kept changing under an update of {bucket} {key!r}"
        )

    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        deleted = self._run(
            "DELETE FROM contractkit_mock_items WHERE namespace = ? AND bucket = ? AND key = ?",
            (namespace, bucket, key),
            "count",
        )
        return bool(deleted == 1)

    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        rows = self._run(
            "SELECT key, body FROM contractkit_mock_items"
            " WHERE namespace = ? AND bucket = ? ORDER BY seq",
            (namespace, bucket),
            "all",
        )
        return [(str(key), load_object(body)) for key, body in rows]

    def page(self, namespace: str, bucket: str, listing: Listing) -> Page:
        paths = [(_json_path(name), wanted) for name, wanted in listing.filters.items()]
        if any(path is None for path, _ in paths):
            return super().page(namespace, bucket, listing)
        condition, values = _filter_sql([(str(path), wanted) for path, wanted in paths])
        where = f" WHERE namespace = :namespace AND bucket = :bucket{condition}"
        values.update(namespace=namespace, bucket=bucket, start=listing.start)
        values["size"] = -1 if listing.size is None else listing.size
        rows = self._run(
            f"SELECT body FROM contractkit_mock_items{where}"
            " ORDER BY seq LIMIT :size OFFSET :start",
            values,
            "all",
        )
        total = None
        if listing.count:
            counted = self._run(
                f"SELECT COUNT(*) FROM contractkit_mock_items{where}", values, "one"
            )
            total = int(counted[0])
        texts = [str(body) for (body,) in rows]
        return Page(load_objects(texts), total, texts)

    def has_field(self, namespace: str, bucket: str, name: str) -> bool:
        path = _json_path(name)
        if path is None:
            return super().has_field(namespace, bucket, name)
        row = self._run(
            "SELECT 1 FROM contractkit_mock_items WHERE namespace = ? AND bucket = ?"
            " AND json_type(body, ?) IS NOT NULL LIMIT 1",
            (namespace, bucket, path),
            "one",
        )
        return row is not None

    def delete_prefixed(self, namespace: str, bucket: str, key: str, prefix: str) -> None:
        self._run(
            "DELETE FROM contractkit_mock_items WHERE namespace = ? AND bucket = ?"
            " AND (key = ? OR substr(key, 1, ?) = ?)",
            (namespace, bucket, key, len(prefix), prefix),
            "count",
        )

    def clear(self, namespace: str | None = None) -> None:
        where, values = ("", ()) if namespace is None else (" WHERE namespace = ?", (namespace,))
        with self._transaction() as connection:
            connection.execute(f"DELETE FROM contractkit_mock_items{where}", values)
            connection.execute(f"DELETE FROM contractkit_mock_counters{where}", values)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None and self._pid == process_id():
                self._connection.close()
                if self._writers is not None:
                    os.close(self._writers)
            self._connection, self._writers = None, None
