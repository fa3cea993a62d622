"""One process at a time sets up the database and the development secrets.

Any number of processes may start at the same moment (``contractkit serve --workers N``,
``contractkit token`` beside a starting server, several instances behind a load balancer):
each takes this lock before it migrates the schema, writes development secrets or creates
start-up rows, so the set-up runs once and the others find it done. On one machine an
exclusive ``flock`` on ``<data dir>/setup.lock`` orders them; on PostgreSQL a session-level
advisory lock also orders the processes of every machine sharing the database.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

LOCK_FILE = "setup.lock"
ADVISORY_KEY = 0x636B_7365_7475_70  # "cksetup": the key of the set-up lock in pg_advisory_lock
"""The PostgreSQL advisory lock key of the set-up (any 64-bit number unique to this use)."""


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created 0600 when missing) while inside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def advisory_lock(engine: Engine, key: int = ADVISORY_KEY) -> Iterator[None]:
    """Hold PostgreSQL's session-level advisory lock ``key`` while inside (no-op elsewhere)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


@contextmanager
def setup_lock(data_dir: Path, engine: Engine) -> Iterator[None]:
    """The set-up lock of this data folder and database: held by one process at a time.

    With PostgreSQL and a data folder that cannot be written (a read-only deployment whose
    secrets all come from the environment), the advisory lock alone orders the processes.
    """
    with ExitStack() as stack:
        try:
            stack.enter_context(file_lock(data_dir / LOCK_FILE))
        except OSError:
            if engine.dialect.name != "postgresql":
                raise
        stack.enter_context(advisory_lock(engine))
        yield
