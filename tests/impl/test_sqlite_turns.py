"""Writers of one SQLite file take turns and wake when the writer before them finishes;
readers never wait. Real files, real threads and a second real process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from contractkit.impl.sqlite_turns import TurnTakingConnection, turns_for

WAIT = 10.0
"""Upper bound for events that happen at once (a failure, not a measurement)."""


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, factory=TurnTakingConnection, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "turns.sqlite3"
    setup = _connect(path)
    setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    setup.close()
    yield path


def _write_in_thread(path: Path, text: str) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def write() -> None:
        connection = _connect(path)
        connection.execute("INSERT INTO notes (text) VALUES (?)", (text,))
        connection.commit()
        connection.close()
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, done


def test_a_writer_waits_for_the_open_write_and_goes_on_when_it_commits(database: Path) -> None:
    first = _connect(database)
    first.execute("INSERT INTO notes (text) VALUES ('first')")  # holds the turn, uncommitted
    thread, done = _write_in_thread(database, "second")
    assert not done.wait(0.5), "the second writer did not wait for the open transaction"
    first.commit()
    assert done.wait(WAIT)
    thread.join()
    rows = first.execute("SELECT text FROM notes ORDER BY id").fetchall()
    assert rows == [("first",), ("second",)]
    first.close()


def test_the_first_write_of_a_transaction_takes_the_turn_until_it_ends(database: Path) -> None:
    connection = _connect(database)
    turns = turns_for(str(database), WAIT)
    others: list[bool] = []

    def try_to_take() -> None:
        taken = turns.take(wait_seconds=0.2)
        others.append(taken)
        if taken:
            turns.give()

    connection.execute("SELECT count(*) FROM notes").fetchone()
    for expected in (True, False):  # a read takes nothing; an open write holds the turn
        thread = threading.Thread(target=try_to_take)
        thread.start()
        thread.join()
        assert others[-1] is expected
        connection.execute("INSERT INTO notes (text) VALUES ('held')")
    connection.commit()
    thread = threading.Thread(target=try_to_take)
    thread.start()
    thread.join()
    assert others == [True, False, True]
    connection.close()


def test_readers_never_wait_for_the_turn(database: Path) -> None:
    writer = _connect(database)
    writer.execute("INSERT INTO notes (text) VALUES ('pending')")
    reader = _connect(database)
    assert reader.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    writer.rollback()
    reader.close()
    writer.close()


def test_the_turn_is_given_back_on_rollback_close_and_autocommit(database: Path) -> None:
    turns = turns_for(str(database), 1.0)
    for end in ("rollback", "close", "autocommit"):
        connection = _connect(database)
        if end == "autocommit":
            connection.isolation_level = None
        connection.execute("INSERT INTO notes (text) VALUES (?)", (end,))
        if end == "rollback":
            connection.rollback()
        elif end == "close":
            connection.close()
        assert turns.take(), f"the turn was still held after {end}"
        turns.give()
        if end != "close":
            connection.close()


def test_a_thread_holding_the_turn_does_not_wait_for_itself(database: Path) -> None:
    turns = turns_for(str(database), 1.0)
    assert turns.take()
    try:
        assert turns.take() is False  # same thread: goes ahead, SQLite's lock decides
    finally:
        turns.give()


_OTHER_PROCESS = """
import sqlite3, sys
from contractkit.impl.sqlite_turns import TurnTakingConnection
connection = sqlite3.connect(sys.argv[1], factory=TurnTakingConnection)
connection.execute("INSERT INTO notes (text) VALUES ('other process')")
print("holding", flush=True)
sys.stdin.readline()
connection.commit()
"""


def test_writers_of_another_process_take_turns_too(database: Path) -> None:
    command = [sys.executable, "-c", _OTHER_PROCESS, str(database)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as other:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == "holding"
        thread, done = _write_in_thread(database, "this process")
        assert not done.wait(0.5), "the writer did not wait for the other process's turn"
        other.stdin.write("\n")
        other.stdin.flush()
        assert done.wait(WAIT)
        thread.join()
    check = _connect(database)
    rows = check.execute("SELECT text FROM notes ORDER BY id").fetchall()
    check.close()
    assert rows == [("other process",), ("this process",)]
