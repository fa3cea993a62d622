"""State shared over HTTP: the workers of one command, restarts, several instances on Redis
and PostgreSQL, namespaces and reset. Every server here is real and on loopback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from contractkit.pytest_plugin import free_port

Served = Callable[..., str]


class MockCommand:
    """``contractkit mock`` in a subprocess, run from ``folder`` (where the default state is)."""

    def __init__(self, folder: Path, spec: Path, *options: str) -> None:
        self.folder, self.spec, self.options = folder, spec, options
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MockCommand:
        command = [sys.executable, "-m", "contractkit.cli", "mock", str(self.spec)]
        command += ["--port", str(self.port), *self.options]
        self.process = subprocess.Popen(command, cwd=self.folder, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise AssertionError(f"the mock exited: {error}")
            try:
                httpx.get(f"{self.url}/__mock/operations", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the mock did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def commands() -> Iterator[Callable[..., MockCommand]]:
    started: list[MockCommand] = []

    def start(folder: Path, spec: Path, *options: str) -> MockCommand:
        command = MockCommand(folder, spec, *options).start()
        started.append(command)
        return command

    yield start
    for command in started:
        command.stop()


def _create(url: str, count: int, headers: dict[str, str] | None = None) -> list[int]:
    """``count`` POSTs, each on a new connection (so the kernel spreads them over workers)."""
    return [
        httpx.post(f"{url}/pets", json={"name": f"pet {n}"}, headers=headers, timeout=10).json()[
            "id"
        ]
        for n in range(count)
    ]


def test_per_process_memory_really_spreads_requests_over_the_workers(
    commands: Callable[..., MockCommand], pets_spec: Path, tmp_path: Path
) -> None:
    """The control: with memory state each worker counts alone, so ids repeat. This shows the
    requests of the next test reach both workers."""
    mock = commands(tmp_path, pets_spec, "--state", "memory", "--workers", "2")
    ids = _create(mock.url, 20)
    assert len(set(ids)) < len(ids)


def test_workers_share_one_state_file_that_survives_a_restart(
    commands: Callable[..., MockCommand], pets_spec: Path, tmp_path: Path
) -> None:
    mock = commands(tmp_path, pets_spec, "--stateful", "--workers", "2")
    assert _create(mock.url, 20) == list(range(1, 21))
    listings = [httpx.get(f"{mock.url}/pets", timeout=10).json() for _ in range(10)]
    assert all(listing == listings[0] for listing in listings)
    assert [pet["id"] for pet in listings[0]] == list(range(1, 21))
    assert httpx.patch(f"{mock.url}/pets/3", json={"name": "Rex"}, timeout=10).status_code == 200
    assert httpx.delete(f"{mock.url}/pets/4", timeout=10).status_code == 204
    assert all(httpx.get(f"{mock.url}/pets/4", timeout=10).status_code == 404 for _ in range(6))
    mock.stop()
    assert (tmp_path / ".contractkit" / "mock-state.sqlite3").is_file()

    again = commands(tmp_path, pets_spec, "--stateful", "--workers", "2")
    kept = httpx.get(f"{again.url}/pets", timeout=10).json()
    assert [pet["id"] for pet in kept] == [n for n in range(1, 21) if n != 4]
    assert httpx.get(f"{again.url}/pets/3", timeout=10).json()["name"] == "Rex"
    assert _create(again.url, 2) == [21, 22]


@pytest.mark.parametrize("engine", ["redis", "postgres"])
def test_two_instances_on_one_server_act_as_one(
    engine: str, request: pytest.FixtureRequest, mock_server: Served, pets_spec: Path
) -> None:
    url = str(request.getfixturevalue("redis_url" if engine == "redis" else "postgres_url"))
    first = mock_server(pets_spec, stateful=True, state=url)
    second = mock_server(pets_spec, stateful=True, state=url)
    space = {"X-Mock-Namespace": f"instances-{uuid.uuid4().hex}"}
    other = {"X-Mock-Namespace": f"instances-{uuid.uuid4().hex}"}
    try:
        ids = [_create(base, 1, space)[0] for base in (first, second) * 3]
        assert ids == [1, 2, 3, 4, 5, 6]
        assert _create(second, 1, other) == [1]
        lists = [httpx.get(f"{base}/pets", headers=space).json() for base in (first, second)]
        assert lists[0] == lists[1] and [pet["id"] for pet in lists[0]] == ids

        httpx.patch(f"{first}/pets/2", json={"name": "Tom"}, headers=space)
        assert httpx.get(f"{second}/pets/2", headers=space).json()["name"] == "Tom"
        assert httpx.delete(f"{second}/pets/2", headers=space).status_code == 204
        assert httpx.get(f"{first}/pets/2", headers=space).status_code == 404
        assert httpx.delete(f"{first}/pets/2", headers=space).status_code == 404

        assert httpx.post(f"{first}/__mock/reset", headers=space).status_code == 204
        assert httpx.get(f"{second}/pets", headers=space).json() == []
        assert _create(second, 1, space) == [1]
        assert [pet["id"] for pet in httpx.get(f"{first}/pets", headers=other).json()] == [1]
    finally:
        httpx.post(f"{first}/__mock/reset", headers=space)
        httpx.post(f"{first}/__mock/reset", headers=other)


@pytest.mark.parametrize("state", ["memory", "sqlite"])
async def test_namespaces_isolate_and_reset_clears_one_or_all(
    state: str, mock_client: Callable[..., httpx.AsyncClient], pets_spec: Path, tmp_path: Path
) -> None:
    location = str(tmp_path / "ns.sqlite3") if state == "sqlite" else "memory"
    client = mock_client(pets_spec, stateful=True, state=location)
    alice, bob = {"X-Mock-Namespace": "alice"}, {"X-Mock-Namespace": "bob"}
    for headers in (alice, bob, {}):
        for name in ("one", "two"):
            await client.post("/pets", json={"name": name}, headers=headers)
    assert [p["id"] for p in (await client.get("/pets", headers=alice)).json()] == [1, 2]
    assert [p["id"] for p in (await client.get("/pets", headers=bob)).json()] == [1, 2]
    assert (await client.delete("/pets/1", headers=alice)).status_code == 204
    assert (await client.get("/pets/1", headers=alice)).status_code == 404
    assert (await client.get("/pets/1", headers=bob)).status_code == 200

    assert (await client.post("/__mock/reset", headers=alice)).status_code == 204
    assert (await client.get("/pets", headers=alice)).json() == []
    assert len((await client.get("/pets", headers=bob)).json()) == 2
    assert len((await client.get("/pets")).json()) == 2

    assert (await client.post("/__mock/reset")).status_code == 204
    assert (await client.get("/pets", headers=bob)).json() == []
    assert (await client.get("/pets")).json() == []

    refused = await client.get("/pets", headers={"X-Mock-Namespace": "x" * 201})
    assert refused.status_code == 400 and "X-Mock-Namespace" in refused.text


@pytest.mark.parametrize("verb", ["mock", "proxy"])
def test_an_unusable_state_stops_the_command(verb: str, pets_spec: Path, tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "contractkit.cli", verb, str(pets_spec), "--port", "9"]
    if verb == "proxy":
        command += ["--upstream", "http://127.0.0.1:9", "--fallback", "mock"]
    unreachable = [*command, "--state", f"redis://127.0.0.1:{port}/0"]
    done = subprocess.run(unreachable, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot use the state server redis://127.0.0.1:{port}/0" in done.stderr
    unknown = [*command, "--state", "ftp://example.com/state"]
    done = subprocess.run(unknown, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "unknown state engine 'ftp'" in done.stderr
    assert "Traceback" not in done.stderr


async def test_a_state_server_lost_while_serving_is_answered_with_503(
    mock_client: Callable[..., httpx.AsyncClient], pets_spec: Path
) -> None:
    location = f"redis://127.0.0.1:{free_port()}/0"
    client = mock_client(pets_spec, stateful=True, state=location)
    answer = await client.post("/pets", json={"name": "Rex"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert f"cannot use the state server {location}" in answer.json()["detail"]
