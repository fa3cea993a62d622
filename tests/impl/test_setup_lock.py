"""The set-up lock: one holder at a time, across processes."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from contractkit.impl.db import Database
from contractkit.impl.setup_lock import setup_lock


def _hold(data_dir: str, url: str, journal: str, name: str) -> None:
    database = Database(url)
    try:
        with setup_lock(Path(data_dir), database.engine):
            with open(journal, "a") as out:
                out.write(f"{name} in\n")
            time.sleep(0.3)
            with open(journal, "a") as out:
                out.write(f"{name} out\n")
    finally:
        database.dispose()


def test_one_process_at_a_time_holds_the_set_up_lock(database: Database, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    context = multiprocessing.get_context("spawn")
    url = database.engine.url.render_as_string(hide_password=False)
    # On PostgreSQL each process gets a data folder of its own, as on separate machines:
    # the advisory lock alone must order them. On SQLite they share one, as they must.
    apart = database.engine.dialect.name == "postgresql"
    processes = [
        context.Process(
            target=_hold,
            args=(str(tmp_path / (f"data{n}" if apart else "data")), url, str(journal), f"p{n}"),
        )
        for n in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    lines = journal.read_text().splitlines()
    assert len(lines) == 6
    for first, second in zip(lines[::2], lines[1::2], strict=True):
        assert first.endswith(" in") and second == first.replace(" in", " out")
