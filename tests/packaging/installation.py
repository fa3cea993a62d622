"""contractkit as its users get it: a wheel built from this checkout, installed in a fresh venv.

Commands run with that venv's interpreter from folders outside the checkout, in an environment
that names nothing of the checkout, so only what the wheel installed can be imported.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from contractkit.pytest_plugin import free_port
from tests.packaging.layout import REPO, api_names

PIP_TIMEOUT = 1800
"""Seconds for a pip build or install: a cold cache downloads every dependency."""
COMMAND_TIMEOUT = 300
"""Seconds for one ``contractkit`` command."""

_NOT_SOURCE_ANYWHERE = ("__pycache__", "*.egg-info", ".*_cache", ".hypothesis", ".schemathesis")
_NOT_SOURCE_AT_TOP = {".git", ".venv", "venv", "var", "build", "dist", "reports", "node_modules"}


def _not_source(folder: str, names: list[str]) -> set[str]:
    ignored = set(shutil.ignore_patterns(*_NOT_SOURCE_ANYWHERE)(folder, names))
    if Path(folder).resolve() == REPO:
        ignored |= _NOT_SOURCE_AT_TOP & set(names)
    return ignored


def _foreign_variables() -> tuple[str, ...]:
    """Prefixes of variables that could point a child process at the checkout or its settings."""
    apis = tuple(f"{name.upper()}_" for name in api_names())
    return ("PYTHON", "PYTEST", "VIRTUAL_ENV", "CONTRACTKIT_", "DATABASE_URL", *apis)


def _path_outside_checkout(path: str) -> list[str]:
    return [entry for entry in path.split(os.pathsep) if entry and REPO not in Path(entry).parents]


def outside_checkout_env() -> dict[str, str]:
    """This process's environment without anything naming the checkout or configuring it."""
    foreign = (*_foreign_variables(), "TEST_DATABASE_URL")
    kept = {key: value for key, value in os.environ.items() if not key.startswith(foreign)}
    kept["PATH"] = os.pathsep.join(_path_outside_checkout(kept.get("PATH", "")))
    return kept


def _run(
    args: Sequence[str | Path], cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _checked(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"{result.args} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


@dataclass(frozen=True)
class BuiltWheel:
    """The wheel file and the copy of the checkout it was built from."""

    path: Path
    source: Path


def build_wheel(workdir: Path) -> BuiltWheel:
    """Build the wheel from a clean copy of the checkout (no stale ``build/`` can leak in)."""
    source = workdir / "source"
    shutil.copytree(REPO, source, ignore=_not_source, symlinks=True)
    dist = workdir / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--wheel-dir", str(dist), str(source)]
    _checked(_run(command, workdir, outside_checkout_env(), PIP_TIMEOUT))
    (wheel,) = dist.glob("*.whl")
    return BuiltWheel(wheel, source)


@dataclass(frozen=True)
class Installation:
    """A venv holding contractkit and its dependencies, installed from the wheel."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a shell in which this venv is activated, plus ``extra``."""
        env = outside_checkout_env()
        env["PATH"] = os.pathsep.join([str(self.bin), env["PATH"]])
        return {**env, "VIRTUAL_ENV": str(self.root), "PYTHONNOUSERSITE": "1", **extra}

    def run(
        self,
        *args: str | Path,
        cwd: Path,
        env: dict[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        """Run a program of the venv (``python``, ``contractkit``...) in ``cwd``."""
        program, *rest = args
        return _run([self.bin / program, *rest], cwd, env or self.env(), timeout)

    def python_says(self, code: str, cwd: Path) -> str:
        """What the venv's interpreter prints for ``code``, run in ``cwd``."""
        return _checked(self.run("python", "-c", code, cwd=cwd)).stdout.strip()


def install(wheel: Path, venv: Path) -> Installation:
    """A fresh venv at ``venv`` with ``wheel`` and its dependencies installed."""
    env = outside_checkout_env()
    _checked(_run([sys.executable, "-m", "venv", venv], venv.parent, env, PIP_TIMEOUT))
    installation = Installation(venv)
    pip = ["python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel]
    _checked(installation.run(*pip, cwd=venv.parent, timeout=PIP_TIMEOUT))
    return installation


@dataclass
class Server:
    """A server process started by :func:`serving`; its output goes to ``log``."""

    process: subprocess.Popen[str]
    base_url: str
    log: Path
    returncode: int | None = field(default=None)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 30) -> int:
        """Ask the server to stop as Ctrl+C does; kill it if it has not stopped in ``timeout``."""
        if self.returncode is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
            try:
                self.returncode = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
                self.returncode = -signal.SIGKILL
        return self.returncode


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True


def _start(
    installation: Installation,
    args: list[str],
    port: int,
    cwd: Path,
    log: Path,
    env: dict[str, str],
) -> Server:
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [str(installation.bin / args[0]), *args[1:]],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    return Server(process, f"http://127.0.0.1:{port}", log)


def _wait_until_answering(server: Server, timeout: float) -> bool:
    """True once the server answers HTTP; False if it exited first. Fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not _answers(server.base_url):
        if server.process.poll() is not None:
            return False
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"no answer within {timeout}s:\n{server.output()}")
        time.sleep(0.1)
    return True


@contextmanager
def serving(
    installation: Installation,
    command: Callable[[int], list[str]],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> Iterator[Server]:
    """Run ``command(port)`` on a free port until the block ends; yields once it answers HTTP.

    A port taken between choosing and binding it is retried with another one.
    """
    for attempt in range(3):
        port = free_port()
        log = cwd.parent / f"{cwd.name}-server-{port}.log"
        server = _start(installation, command(port), port, cwd, log, env or installation.env())
        try:
            if _wait_until_answering(server, timeout):
                yield server
                return
        finally:
            server.stop()
        if "address already in use" not in server.output().lower() or attempt == 2:
            raise AssertionError(f"exited with {server.returncode}:\n{server.output()}")
    raise AssertionError("unreachable")
