"""Start ``contractkit serve <api>`` as a real process on a free loopback port, for tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

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
    process = subprocess.Popen(
        [*CLI, "serve", api, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}{base_path}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"contractkit serve {api} did not start: {output}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout:
            process.stdout.close()
