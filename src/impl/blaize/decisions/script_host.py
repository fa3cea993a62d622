"""Worker processes that run rule scripts, so that no script can take the server down.

QuickJS can crash (SIGSEGV) when a script exhausts its memory limit inside a function, and its
time limit does not reach inside its regular expressions. Scripts therefore run in child
processes (``blaize.decisions.script_worker``, started as plain scripts: they import nothing of
ours): a worker that dies, or overruns its wall-clock deadline, is killed and replaced, and
only the call that was running in it fails.

At most ``max(2, CPU count)`` workers exist; calls beyond that wait for a free worker. Each
owner (a tenant) may hold at most ``per_owner`` of them at once (half the pool), and waits for
one of its own for a bounded time only (:class:`OwnerBusy` after that): a tenant whose scripts
run away fills its own share and queue, never another tenant's. Workers end when their stdin
closes (the server went away) or when the host shuts them down at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

WORKER = Path(__file__).with_name("script_worker.py")


class WorkerLost(Exception):
    """The worker died (``crashed``) or missed its deadline while running the call."""

    def __init__(self, crashed: bool) -> None:
        super().__init__("crashed" if crashed else "deadline")
        self.crashed = crashed


class OwnerBusy(Exception):
    """The owner already holds its share of the workers, and none came free in time."""


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        self._stdout: IO[str] = self.process.stdout  # type: ignore[assignment]

    def call(self, request: dict[str, Any], deadline: float) -> dict[str, Any]:
        try:
            self._stdin.write(json.dumps(request) + "\n")
            self._stdin.flush()
            ready, _, _ = select.select([self._stdout], [], [], deadline)
            if not ready:
                raise WorkerLost(crashed=False)
            line = self._stdout.readline()
        except (OSError, ValueError) as exc:
            raise WorkerLost(crashed=True) from exc
        if not line:
            raise WorkerLost(crashed=True)
        return json.loads(line)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self._stdin.close()
        self._stdout.close()


class ScriptHost:
    """A bounded pool of script workers, shared fairly between owners."""

    def __init__(self, size: int | None = None, per_owner: int | None = None) -> None:
        self.size = size or max(2, os.cpu_count() or 2)
        self.per_owner = per_owner or max(1, self.size // 2)
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._owned = threading.Condition()
        self._holding: dict[str, int] = {}

    def holding(self, owner: str) -> int:
        """How many workers ``owner``'s calls hold now."""
        with self._owned:
            return self._holding.get(owner, 0)

    def _take_share(self, owner: str, wait: float) -> None:
        with self._owned:
            free = self._owned.wait_for(
                lambda: self._holding.get(owner, 0) < self.per_owner, timeout=wait
            )
            if not free:
                raise OwnerBusy(owner)
            self._holding[owner] = self._holding.get(owner, 0) + 1

    def _give_back(self, owner: str) -> None:
        with self._owned:
            left = self._holding[owner] - 1
            if left:
                self._holding[owner] = left
            else:
                del self._holding[owner]
            self._owned.notify_all()

    def call(
        self, request: dict[str, Any], deadline: float, owner: str = "", wait: float = 1.0
    ) -> dict[str, Any]:
        """The worker's answer to ``request``; WorkerLost if it dies or overruns ``deadline``.

        OwnerBusy when ``owner`` holds its share of the workers for longer than ``wait``.
        """
        self._take_share(owner, wait)
        try:
            return self._call(request, deadline)
        finally:
            self._give_back(owner)

    def _call(self, request: dict[str, Any], deadline: float) -> dict[str, Any]:
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is not None and worker.process.poll() is not None:
                worker.stop()
                worker = None
            worker = worker or _Worker()
            try:
                answer = worker.call(request, deadline)
            except WorkerLost:
                worker.stop()
                raise
            with self._lock:
                self._idle.append(worker)
            return answer

    def shutdown(self) -> None:
        """Stop the idle workers (at exit)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


HOST = ScriptHost()
"""The process-wide pool; no worker starts before the first script runs."""
atexit.register(HOST.shutdown)
