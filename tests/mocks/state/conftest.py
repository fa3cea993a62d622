"""Real state engines for the state tests: Redis and PostgreSQL started from their binaries.

``REDIS_URL`` / ``TEST_DATABASE_URL`` name running servers instead (as CI does). Without
either the URL or the binaries the tests that need the engine are skipped, saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contractkit.pytest_plugin import free_port

PETS = Path(__file__).parent / "pets.yaml"


@pytest.fixture
def pets_spec() -> Path:
    """A small CRUD document: /pets and /pets/{petId} with integer ids."""
    return PETS


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server: ``$REDIS_URL``, else ``redis-server`` on a free loopback port."""
    pytest.importorskip("redis", reason="the redis client is not installed (extra 'test')")
    given = os.environ.get("REDIS_URL")
    if given:
        yield given
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no REDIS_URL and no redis-server binary (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir"]
    process = subprocess.Popen(
        [*command, str(folder), "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: ``$TEST_DATABASE_URL``, else ``initdb`` + ``pg_ctl`` in a temp dir."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (extra 'postgres')")
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("no TEST_DATABASE_URL and no initdb/pg_ctl (apt-get install postgresql)")
    # A folder of its own under the system temp dir, which the postgres account can reach.
    folder = Path(tempfile.mkdtemp(prefix="contractkit-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the postgres account.
        runuser = shutil.which("runuser")
        try:
            if runuser is None:
                raise LookupError("no runuser command")
            shutil.chown(folder, "postgres")
        except (LookupError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"running as root, cannot run PostgreSQL as postgres: {exc}")
        as_user = [runuser, "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)
