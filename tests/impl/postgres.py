"""A PostgreSQL server for tests: ``TEST_DATABASE_URL`` when set, else a throwaway cluster.

The throwaway cluster is made with the Debian binaries (``/usr/lib/postgresql/<v>/bin``) in a
temporary folder, listening on a free loopback port, and removed afterwards. As root it runs
as the ``postgres`` user (PostgreSQL refuses to run as root). Without the binaries, the tests
that need it are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.impl.served import free_port


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@contextmanager
def postgres_url() -> Iterator[str]:
    """A URL of an empty database this test may drop tables in."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    binaries = _binaries()
    if binaries is None:
        pytest.skip(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and "
            "TEST_DATABASE_URL is not set"
        )
    as_postgres: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="contractkit-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root, and runuser is missing to run PostgreSQL as postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-N")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def wait_for_a_lock_wait(url: str, timeout: float = 60) -> None:
    """Return once some other session of the database at ``url`` waits for a lock.

    Lets a test hold a transaction open until a concurrent one is known to be queued behind
    it, with no guess about how long that takes.
    """
    import time

    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    deadline = time.monotonic() + timeout
    try:
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
                if waiting:
                    return
                connection.rollback()
                time.sleep(0.02)
    finally:
        engine.dispose()
    pytest.fail("no concurrent transaction came to wait for a lock")


@pytest.fixture(scope="module")
def cluster_url() -> Iterator[str]:
    """A PostgreSQL database shared by the tests of one module (see :func:`postgres_url`)."""
    with postgres_url() as url:
        yield url


@pytest.fixture
def base_env(base_env: dict[str, str], cluster_url: str) -> dict[str, str]:
    """The served app's environment (the module's own ``base_env``), on that database.

    Import both fixtures into a test module to run its tests on PostgreSQL.
    """
    return {**base_env, "DATABASE_URL": cluster_url}
