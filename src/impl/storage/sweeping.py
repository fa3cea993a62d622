"""Leftovers of interrupted uploads removed at start-up and then periodically.

An upload interrupted by a crash or a kill leaves its staged bytes behind (a ``.part`` file in
the local folder's ``.incoming``, an unfinished S3 multipart upload); an API whose objects
have database rows may also be left with a complete object whose row was never written (the
bytes are stored first, then the row). :func:`sweeping` runs both clean-ups while an API is
served: only leftovers older than ``CONTRACTKIT_UPLOAD_STALE_SECONDS`` are touched, so uploads
still under way (in this process or another) are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
import anyio.to_thread

from contractkit.impl.config import Settings
from contractkit.impl.storage.base import Storage

logger = logging.getLogger("contractkit.impl.storage")

DEFAULT_STALE_SECONDS = 3600
DEFAULT_SWEEP_SECONDS = 3600

OrphanSweep = Callable[[float], int]
"""Removes objects older than the given seconds that have no database row; how many."""


@dataclass(frozen=True)
class SweepSchedule:
    stale_seconds: int = DEFAULT_STALE_SECONDS
    """Leftovers younger than this are left alone (their upload may still be under way)."""
    interval_seconds: int = DEFAULT_SWEEP_SECONDS


def sweep_schedule(settings: Settings) -> SweepSchedule:
    """``CONTRACTKIT_UPLOAD_STALE_SECONDS`` and ``CONTRACTKIT_UPLOAD_SWEEP_SECONDS``."""
    return SweepSchedule(
        settings.integer("CONTRACTKIT_UPLOAD_STALE_SECONDS", DEFAULT_STALE_SECONDS, 0),
        settings.integer("CONTRACTKIT_UPLOAD_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS, 1),
    )


def sweep_once(storage: Storage, older_than: float, orphans: OrphanSweep | None = None) -> int:
    """One clean-up: unfinished uploads, then orphaned objects; how many were removed."""
    removed = storage.sweep_unfinished(older_than)
    if orphans is not None:
        removed += orphans(older_than)
    return removed


@asynccontextmanager
async def sweeping(
    schedule: SweepSchedule, storage: Storage, orphans: OrphanSweep | None = None
) -> AsyncIterator[None]:
    """Sweep once before serving, then every ``schedule.interval_seconds``."""
    older_than, interval = schedule.stale_seconds, schedule.interval_seconds

    async def sweep() -> None:
        try:
            removed = await anyio.to_thread.run_sync(sweep_once, storage, older_than, orphans)
        except Exception:  # a storage hiccup must not stop the server; the next sweep retries
            logger.exception("sweeping interrupted uploads failed")
            return
        if removed:
            logger.info("removed %d leftover(s) of interrupted uploads", removed)

    await sweep()

    async def periodically() -> None:
        while True:
            await anyio.sleep(interval)
            await sweep()

    async with anyio.create_task_group() as group:
        group.start_soon(periodically)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
