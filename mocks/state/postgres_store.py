"""State in PostgreSQL (SQLAlchemy + psycopg): one state for every mock instance that names it.

Two tables, created on first use under an advisory lock (instances may start together).
Counters are one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement, so two
instances never hand out the same id; ``seq`` (a ``BIGSERIAL``, i.e. a sequence) orders a
bucket; read-modify-write locks the row (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from contractkit.mock.json_codec import load_object, to_text
from contractkit.mock.state.backend import (
    Change,
    JSONObject,
    StateBackend,
    StateBackendError,
    process_id,
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS contractkit_mock_items ("
    " seq BIGSERIAL PRIMARY KEY, namespace TEXT NOT NULL, bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (namespace, bucket, key))",
    "CREATE TABLE IF NOT EXISTS contractkit_mock_counters ("
    " namespace TEXT NOT NULL, name TEXT NOT NULL, value BIGINT NOT NULL,"
    " PRIMARY KEY (namespace, name))",
)
_SCHEMA_LOCK = 0x6D6F636B  # pg_advisory_xact_lock key: creating the tables, one at a time
_WHERE = "WHERE namespace = :namespace AND bucket = :bucket AND key = :key"


def _driver_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


class PostgresBackend(StateBackend):
    """Buckets and counters in two PostgreSQL tables."""

    def __init__(self, url: str, masked: str) -> None:
        self.url = masked
        self._target = _driver_url(url)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._pid = 0

    def _connect(self) -> Engine:
        with self._lock:
            if self._engine is not None and self._pid == process_id():
                return self._engine
            try:
                engine = create_engine(self._target, pool_pre_ping=True, pool_size=4)
                with engine.begin() as connection:
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK}
                    )
                    for statement in _SCHEMA:
                        connection.execute(text(statement))
            except ModuleNotFoundError as exc:
                raise StateBackendError(
                    f"PostgreSQL state needs psycopg: pip install 'contractkit-openapi[postgres]' "
                    f"({exc})"
                ) from exc
            except SQLAlchemyError as exc:
                raise StateBackendError(f"cannot use the state database {self.url}: {exc}") from exc
            self._engine, self._pid = engine, process_id()
            return engine

    def _run(self, statement: str, values: dict[str, Any]) -> Any:
        try:
            with self._connect().begin() as connection:
                return connection.execute(text(statement), values).fetchall()
        except SQLAlchemyError as exc:
            raise StateBackendError(f"the state database {self.url} failed: {exc}") from exc

    def next_number(self, namespace: str, counter: str) -> int:
        rows = self._run(
            "INSERT INTO contractkit_mock_counters (namespace, name, value)"
            " VALUES (:namespace, :name, 1) ON CONFLICT (namespace, name)"
            " DO UPDATE SET value = contractkit_mock_counters.value + 1 RETURNING value",
            {"namespace": namespace, "name": counter},
        )
        return int(rows[0][0])

    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        rows = self._run(
            f"SELECT body FROM contractkit_mock_items {_WHERE}",
            {"namespace": namespace, "bucket": bucket, "key": key},
        )
        return load_object(rows[0][0]) if rows else None

    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        rows = self._run(
            "INSERT INTO contractkit_mock_items (namespace, bucket, key, body)"
            " VALUES (:namespace, :bucket, :key, :body)"
            " ON CONFLICT (namespace, bucket, key) DO NOTHING RETURNING seq",
            {"namespace": namespace, "bucket": bucket, "key": key, "body": to_text(item)},
        )
        return bool(rows)

    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        where = {"namespace": namespace, "bucket": bucket, "key": key}
        try:
            with self._connect().begin() as connection:
                row = connection.execute(
                    text(f"SELECT body FROM contractkit_mock_items {_WHERE} FOR UPDATE"), where
                ).first()
                if row is None:
                    return None
                changed = change(load_object(row[0]))
                connection.execute(
                    text(f"UPDATE contractkit_mock_items SET body = :body {_WHERE}"),
                    {**where, "body": to_text(changed)},
                )
        except SQLAlchemyError as exc:
            raise StateBackendError(f"the state database {self.url} failed: {exc}") from exc
        return changed

    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        rows = self._run(
            f"DELETE FROM contractkit_mock_items {_WHERE} RETURNING seq",
            {"namespace": namespace, "bucket": bucket, "key": key},
        )
        return bool(rows)

    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        rows = self._run(
            "SELECT key, body FROM contractkit_mock_items"
            " WHERE namespace = :namespace AND bucket = :bucket ORDER BY seq",
            {"namespace": namespace, "bucket": bucket},
        )
        return [(str(key), load_object(body)) for key, body in rows]

    def clear(self, namespace: str | None = None) -> None:
        where = "" if namespace is None else " WHERE namespace = :namespace"
        try:
            with self._connect().begin() as connection:
                for table in ("contractkit_mock_items", "contractkit_mock_counters"):
                    connection.execute(
                        text(f"DELETE FROM {table}{where}"), {"namespace": namespace}
                    )
        except SQLAlchemyError as exc:
            raise StateBackendError(f"the state database {self.url} failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._engine is not None and self._pid == process_id():
                self._engine.dispose()
            self._engine = None
