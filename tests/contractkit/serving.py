"""Start ``contractkit serve <api>`` as a real process on a free loopback port, for tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx
import pytest

CLI = [sys.executable, "-m", "contractkit.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(env: dict[str, str], *args: str) -> str:
    """Run a ``contractkit`` verb and return what it printed."""
    result = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.strip()


@contextmanager
def running_server(api: str, env: dict[str, str], base_path: str) -> Iterator[str]:
    """Serve ``api`` until the block ends; yields the API's base URL once it answers."""
    port = free_port()
    # The log goes to a file: a pipe nobody reads would fill up and stall the server.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [*CLI, "serve", api, "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}{base_path}"
        try:
            _wait_until_answering(process, f"{base}/openapi.json", log, api)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_answering(process: subprocess.Popen[str], url: str, log: IO[str], api: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"contractkit serve {api} did not start: {log.read()}")
        time.sleep(0.2)
