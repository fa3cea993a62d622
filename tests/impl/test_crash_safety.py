"""Nothing acknowledged is lost when the server is killed, and a stop drains in bounded time.

A real ``contractkit serve all`` takes a concurrent load of creates, replaces, deletes and
uploads (Blaize static items, PERS signed PUTs sent in slow chunks, Chainsite uploads), and is
killed with SIGKILL in the middle of it. Restarted on the same database and folder, it must
start (migrations included) and show every acknowledged write; the database passes its
integrity check; no half-written upload and no object without its record remains.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from contractkit.impl.blaize.devtokens import issue_development_session
from contractkit.impl.chainsite.devtokens import issue_development_token as chainsite_token
from contractkit.impl.config import load_settings
from contractkit.impl.db import Database, alembic_config
from contractkit.impl.pers.devtokens import issue_development_token as pers_token
from tests.impl.conftest import _reset_schema
from tests.impl.postgres import postgres_url
from tests.impl.served import Served, serve_env

pytestmark = pytest.mark.slow

STATIC_WORKERS = 3
KEYS_PER_WORKER = 4
LOAD_SECONDS = 3
MIN_ACKNOWLEDGED = 20
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16
STOPPED_CLEANLY = (0, -signal.SIGTERM)
"""uvicorn ends with the SIGTERM it was stopped by, once its shutdown is over."""
DELETED = object()
"""The state of a static item that was deleted (or never written)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'contractkit.db'}"
        return
    with postgres_url() as url:
        database = Database(url)
        try:
            _reset_schema(database)
        finally:
            database.dispose()
        yield url


@dataclass
class Ledger:
    """What the clients were told (acknowledged) and what was on its way when the server died."""

    acknowledged: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    chainsite_ids: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.statuses)


def _recording(ledger: Ledger, work: Any) -> Any:
    """``work``, with any exception it ends with kept in ``ledger.failures``."""

    def run(*args: Any) -> None:
        try:
            work(*args)
        except Exception as exc:
            with ledger.lock:
                ledger.failures.append(f"{work.__name__}: {exc!r}")

    return run


def _answered(ledger: Ledger, response: httpx.Response) -> httpx.Response:
    with ledger.lock:
        ledger.statuses.append(response.status_code)
    return response


def static_worker(
    served: Served, session: str, worker: int, ledger: Ledger, stop: threading.Event
) -> None:
    headers = {"blaize-admin-session": session}
    with httpx.Client(base_url=f"{served.origin}/blaize", headers=headers, timeout=30) as client:
        step = 0
        while not stop.is_set():
            key = f"w{worker}-k{step % KEYS_PER_WORKER}"
            delete = step % 5 == 4
            value: Any = DELETED if delete else f"value {step} of worker {worker}"
            ledger.pending[key] = value
            try:
                if delete:
                    answer = _answered(ledger, client.delete(f"/v3/static/{key}"))
                    done = answer.status_code in (200, 404)
                else:
                    answer = _answered(
                        ledger, client.put(f"/v3/static/{key}", json={"item": value})
                    )
                    done = answer.status_code in (200, 201)
            except httpx.TransportError:
                return  # the server died with this request on its way: it stays pending
            if done:
                ledger.acknowledged[key] = value
                del ledger.pending[key]
            step += 1


def pers_worker(served: Served, token: str, ledger: Ledger, stop: threading.Event) -> None:
    """Uploads sent in slow chunks, so that the kill is likely to cut one off half-way."""
    with httpx.Client(timeout=30) as client:
        number = 0
        while not stop.is_set():
            name = f"upload-{number}"
            body = os.urandom(48 * 1024)

            def chunks(body: bytes = body) -> Iterator[bytes]:
                for start in range(0, len(body), 8192):
                    time.sleep(0.02)
                    yield body[start : start + 8192]

            try:
                signed = client.post(
                    f"{served.origin}/pers/v2/files/entity-storage-url",
                    json={
                        "entityType": "token",
                        "entityId": "crash",
                        "signedUrlType": "PUT",
                        "fileExtension": "bin",
                        "fileName": name,
                    },
                    headers={"Authorization": f"Bearer {token}"},
                )
                answer = _answered(ledger, client.put(signed.json()["signedUrl"], content=chunks()))
            except httpx.TransportError:
                return
            if answer.status_code == 200:
                ledger.uploads[name] = body
            number += 1


def chainsite_worker(served: Served, token: str, ledger: Ledger, stop: threading.Event) -> None:
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        number = 0
        while not stop.is_set():
            content = PNG + os.urandom(16 * 1024)
            try:
                answer = _answered(
                    ledger,
                    client.post(
                        f"{served.origin}/chainsite/v1/upload",
                        files={"file": (f"f{number}.png", content, "image/png")},
                    ),
                )
            except httpx.TransportError:
                return
            if answer.status_code == 200:
                ledger.chainsite_ids.append(answer.json()["data"]["_id"])
            number += 1


def _integrity_problems(url: str) -> list[str]:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        with sqlite3.connect(path) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
        problems = [str(row[0]) for row in rows if row[0] != "ok"]
        return problems + [f"foreign key: {row}" for row in foreign]
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            invalid = connection.execute(
                text("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
            ).scalars()
            return [f"invalid index {name}" for name in invalid]
    finally:
        database.dispose()


def _migrated_to_heads(url: str) -> bool:
    database = Database(url)
    try:
        heads = set(ScriptDirectory.from_config(alembic_config(database.engine)).get_heads())
        with database.engine.connect() as connection:
            current = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
        return current == heads
    finally:
        database.dispose()


def test_a_killed_server_loses_no_acknowledged_write(database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = serve_env(
        data,
        DATABASE_URL=database_url,
        CONTRACTKIT_UPLOAD_STALE_SECONDS="0",
        BLAIZE_ARGON2_TIME_COST="1",
        BLAIZE_ARGON2_MEMORY_KIB="1024",
    )
    served = Served(env, tmp_path / "server.log").start()
    settings = load_settings(env)
    database = Database(database_url)
    try:
        session = issue_development_session(
            settings, database, email="admin@example.com"
        ).session_id
    finally:
        database.dispose()
    chainsite, chainsite_user = chainsite_token(settings)
    ledger, stop = Ledger(), threading.Event()
    workers = [
        threading.Thread(
            target=_recording(ledger, static_worker), args=(served, session, n, ledger, stop)
        )
        for n in range(STATIC_WORKERS)
    ]
    workers.append(
        threading.Thread(
            target=_recording(ledger, pers_worker),
            args=(served, pers_token(settings, tenant="acme"), ledger, stop),
        )
    )
    workers.append(
        threading.Thread(
            target=_recording(ledger, chainsite_worker), args=(served, chainsite, ledger, stop)
        )
    )
    for worker in workers:
        worker.start()
    started = time.monotonic()
    while time.monotonic() - started < LOAD_SECONDS or ledger.count() < MIN_ACKNOWLEDGED:
        time.sleep(0.1)
        assert time.monotonic() - started < 120, "the load made no progress"
    served.stop(signal.SIGKILL)
    stop.set()
    for worker in workers:
        worker.join(timeout=60)

    assert ledger.failures == []
    assert 500 not in ledger.statuses, ledger.statuses
    assert set(ledger.statuses) <= {200, 201, 404, 503}, set(ledger.statuses)
    assert ledger.acknowledged and ledger.uploads and ledger.chainsite_ids

    restarted = Served(env, tmp_path / "server.log").start()
    try:
        assert _migrated_to_heads(database_url)
        assert _integrity_problems(database_url) == []
        with httpx.Client(base_url=f"{restarted.origin}/blaize", timeout=30) as client:
            for key in {*ledger.acknowledged, *ledger.pending}:
                answer = client.get(f"/v3/static/{key}", headers={"blaize-admin-session": session})
                found = answer.json()["item"] if answer.status_code == 200 else DELETED
                assert answer.status_code in (200, 404), answer.text
                allowed = {ledger.acknowledged.get(key, DELETED), ledger.pending.get(key, DELETED)}
                assert found in allowed, (key, found, allowed)
        pers_folder = data / "storage" / "pers" / "acme" / "token" / "crash"
        for name, body in ledger.uploads.items():
            assert (pers_folder / f"{name}.bin").read_bytes() == body, name
        listed = _all_chainsite_files(restarted.origin, chainsite)
        names = {record["name"] for record in listed}
        assert set(ledger.chainsite_ids) <= {record["_id"] for record in listed}
        on_disk = {
            path.relative_to(data / "storage" / "chainsite").as_posix()
            for path in (data / "storage" / "chainsite").rglob("*")
            if path.is_file()
        }
        assert on_disk == names, "objects without a record, or records without an object"
        assert all(chainsite_user in name for name in names)
        assert list((data / "storage" / ".incoming").glob("*")) == []
        assert restarted.stop() in STOPPED_CLEANLY
    finally:
        restarted.stop(signal.SIGKILL)
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_sigterm_drains_requests_in_flight_and_bounds_slow_clients(tmp_path: Path) -> None:
    env = serve_env(
        tmp_path / "data",
        CONTRACTKIT_SHUTDOWN_TIMEOUT_SECONDS="5",
        CONTRACTKIT_BODY_TIMEOUT_SECONDS="600",  # only the shutdown bound can end the slow one
    )
    served = Served(env, tmp_path / "server.log").start()
    token = pers_token(load_settings(env), tenant="acme")
    signed = httpx.post(
        f"{served.origin}/pers/v2/files/entity-storage-url",
        json={
            "entityType": "token",
            "entityId": "term",
            "signedUrlType": "PUT",
            "fileExtension": "bin",
        },
        headers={"Authorization": f"Bearer {token}"},
    ).json()["signedUrl"]
    body = os.urandom(64 * 1024)
    sending = threading.Event()
    outcome: dict[str, Any] = {}

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 8192):
            sending.set()
            time.sleep(0.15)
            yield body[start : start + 8192]

    def upload() -> None:
        try:
            outcome["status"] = httpx.put(signed, content=chunks(), timeout=60).status_code
        except httpx.TransportError as exc:
            outcome["error"] = exc

    in_flight = threading.Thread(target=upload)
    in_flight.start()
    slow = socket.create_connection(("127.0.0.1", served.port))
    try:
        slow.sendall(
            b"PUT /blaize/v3/static/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"item": '
        )
        assert sending.wait(30)
        time.sleep(0.3)  # both requests are now under way
        assert served.process is not None
        served.process.send_signal(signal.SIGTERM)
        in_flight.join(timeout=60)
        assert outcome == {"status": 200}, outcome
        # The slow client still holds its request open; the server ends regardless.
        code = served.process.wait(timeout=60)
    finally:
        slow.close()
        served.stop(signal.SIGKILL)
    assert code in STOPPED_CLEANLY
    stored = tmp_path / "data" / "storage" / "pers" / "acme" / "token" / "term" / "term.bin"
    assert stored.read_bytes() == body


def _all_chainsite_files(origin: str, token: str) -> list[dict[str, Any]]:
    """Every file record of the Chainsite user, page after page."""
    records: list[dict[str, Any]] = []
    for page in range(1, 1000):
        batch = httpx.get(
            f"{origin}/chainsite/v1/upload",
            params={"limit": 100, "page": page},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["data"]["data"]
        records.extend(batch)
        if len(batch) < 100:
            return records
    raise AssertionError("more than 1000 pages of files")
