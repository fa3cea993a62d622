"""Where ``--stateful`` keeps its resources: the store interface every engine implements.

A backend holds JSON objects in *buckets* (one per collection and parent path values), each
under a key (the resource id as text), in creation order, plus named counters that hand out
ids. Everything lives in a *namespace* (the ``X-Mock-Namespace`` header, ``""`` when absent),
so parallel test runs each see their own state. Every method is one atomic step of the
engine behind it: ids come from the engine's counters (SQLite and PostgreSQL upserts in one
statement, Redis ``INCR``), an insert fails instead of overwriting, and :meth:`update` reads
and writes in one transaction. Backends are opened lazily and again after a ``fork()``, so
one configured backend can be handed to every worker process.

Engines, by ``--state`` value (see :func:`open_backend`):

- a path or ``sqlite:///path``: a SQLite file (the command's default), shared by the workers
  of one machine and kept across restarts;
- ``redis://`` / ``rediss://`` / ``unix://``: Redis, shared by mock instances anywhere;
- ``postgresql://`` (``postgres://``, ``postgresql+psycopg://``): PostgreSQL, likewise;
- ``memory``: a dictionary in the process (the library default: embedded mocks and fixtures
  stay isolated from each other and leave no file behind).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from contractkit.mock.state.listing import Listing, Page, page_of

JSONObject = dict[str, Any]
Change = Callable[[JSONObject], JSONObject]

MEMORY = "memory"


_PROCESS = [os.getpid()]


def _forked() -> None:
    _PROCESS[0] = os.getpid()


if hasattr(os, "register_at_fork"):  # no fork() elsewhere: the id never changes
    os.register_at_fork(after_in_child=_forked)


def process_id() -> int:
    """This process's id, kept up to date across ``fork()`` (``os.getpid()`` is a system
    call, and backends ask on every statement whether their connection is still theirs)."""
    return _PROCESS[0]


class StateBackendError(RuntimeError):
    """The state engine cannot be reached or used (the message says which and why)."""


class StateBackend(ABC):
    """Buckets of JSON objects and counters, per namespace; every call is atomic."""

    url: str
    """The location, with any password masked (for messages)."""
    holds_commits = False
    """Whether :meth:`hold_commits` does anything (the engine has local transactions)."""

    @abstractmethod
    def next_number(self, namespace: str, counter: str) -> int:
        """The next value of a counter (1 for a fresh one); never the same twice."""

    @abstractmethod
    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        """The object stored under ``key``, or ``None``."""

    def contains_any(self, namespace: str, bucket: str, keys: list[str]) -> bool:
        """Whether an object is stored under any of ``keys`` (one round trip where the engine
        allows)."""
        return any(self.get(namespace, bucket, key) is not None for key in keys)

    @abstractmethod
    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        """Store a new object; ``False`` (and nothing written) when ``key`` is taken."""

    @abstractmethod
    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        """Replace the object with ``change(object)`` in one transaction; ``None`` if absent."""

    @abstractmethod
    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        """Remove an object; whether it existed."""

    @abstractmethod
    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        """Every (key, object) of a bucket, oldest first."""

    def page(self, namespace: str, bucket: str, listing: Listing) -> Page:
        """The entries of a bucket that match ``listing``'s filters, one page of them, oldest
        first (engines with a query language filter and page where the data lives)."""
        return page_of([item for _, item in self.items(namespace, bucket)], listing)

    def has_field(self, namespace: str, bucket: str, name: str) -> bool:
        """Whether any object of the bucket has a field ``name``."""
        return any(name in item for _, item in self.items(namespace, bucket))

    def delete_prefixed(self, namespace: str, bucket: str, key: str, prefix: str) -> None:
        """Remove the object under ``key`` and every object whose key starts with ``prefix``."""
        for found, _ in self.items(namespace, bucket):
            if found == key or found.startswith(prefix):
                self.delete(namespace, bucket, found)

    def hold_commits(self) -> None:  # noqa: B027 - engines that commit each call keep this
        """Keep the writes that follow in one transaction until :meth:`release_commits`
        (the HTTP server does so for the requests of one turn of its event loop, and answers
        them only once they are committed). Engines without transactions ignore it."""

    def release_commits(self) -> bool:
        """Commit what :meth:`hold_commits` kept; whether it was committed (``False``: every
        held write was lost, and the requests that made them must be answered with an error)."""
        return True

    @abstractmethod
    def clear(self, namespace: str | None = None) -> None:
        """Forget one namespace (objects and counters), or every one when ``None``."""

    def close(self) -> None:  # noqa: B027 - engines without connections keep nothing open
        """Release connections (the backend reopens on next use)."""


def _mask(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def open_backend(location: str) -> StateBackend:
    """The backend a ``--state`` value names (nothing is connected before first use)."""
    text = location.strip()
    if not text:
        raise StateBackendError("the state location is empty")
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if text == MEMORY:
        from contractkit.mock.state.memory_store import MemoryBackend

        return MemoryBackend()
    if scheme in ("redis", "rediss", "unix"):
        from contractkit.mock.state.redis_store import RedisBackend

        return RedisBackend(text, _mask(text))
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        from contractkit.mock.state.postgres_store import PostgresBackend

        return PostgresBackend(text, _mask(text))
    if scheme == "sqlite":
        path = text[len("sqlite:///") :] if text.lower().startswith("sqlite:///") else ""
        if not path:
            raise StateBackendError(f"expected sqlite:///PATH, got {text!r}")
        text = path
    elif scheme:
        raise StateBackendError(
            f"unknown state engine {scheme!r} in {_mask(text)!r}: use a file path, sqlite:///PATH, "
            "redis://HOST:PORT/DB, postgresql://USER:PASSWORD@HOST/DB or memory"
        )
    from contractkit.mock.state.sqlite_store import SqliteBackend

    return SqliteBackend(text)
