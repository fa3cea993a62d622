"""A real ``contractkit serve`` process on a loopback port, and raw HTTP over sockets.

Used by the tests that need what only a served app has: a socket a client can hold open,
bodies that stop half-way, a process that can be killed or told to stop.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-m", "contractkit.cli"]
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """``contractkit serve all`` on ``port`` with ``env``; its output goes to ``log``."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Served:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*CLI, "serve", "all", "--port", str(self.port), "--log-level", "warning"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{self.origin}/peerly/openapi.json", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                pytest.fail(f"contractkit serve did not start:\n{self.log.read_text()}")
            time.sleep(0.2)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send ``sig`` and wait for the process to end; its exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def serve_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The process environment of a served app whose data lives in ``data_dir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONTRACTKIT_", "DATABASE_URL", "PEERLY_", "PERS_", "BLAIZE_"))
        and not key.startswith("CHAINSITE_")
    }
    env["CONTRACTKIT_DATA_DIR"] = str(data_dir)
    env.update(settings)
    return env


def raw_exchange(
    port: int, head: bytes, body_parts: Sequence[bytes] = (), *, timeout: float = 60
) -> bytes:
    """Send ``head`` then each of ``body_parts``; everything answered until the server closes.

    The request should say ``Connection: close``. The socket stays open for writing: a client
    that half-closes it is, to the server, one that went away.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        for part in body_parts:
            sock.sendall(part)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def send_and_vanish(port: int, head: bytes, body_parts: Sequence[bytes] = ()) -> None:
    """Send ``head`` and ``body_parts``, then close the connection without waiting."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for part in body_parts:
            sock.sendall(part)


def status_of(answer: bytes) -> int:
    """The status code of a raw HTTP answer (0 when the connection closed without one)."""
    if not answer.startswith(b"HTTP/1.1 "):
        return 0
    return int(answer.split(b" ", 2)[1])


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in answer else b""
