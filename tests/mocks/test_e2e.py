"""End to end: real servers on loopback (uvicorn in a thread, and the CLI in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from contractkit.pytest_plugin import free_port


def test_served_mock_answers_over_http(mock_server: Callable[..., str], specs_dir: Path) -> None:
    base_url = mock_server(specs_dir / "crud.yaml", stateful=True)
    with httpx.Client(base_url=base_url, timeout=10) as client:
        created = client.post("/projects/x/notes", json={"text": "over the wire"})
        assert created.status_code == 201
        note_id = created.json()["data"]["noteId"]
        assert client.get(f"/projects/x/notes/{note_id}").json()["data"]["text"] == "over the wire"
        # The operation documents 404 and no 400: the refusal is the documented client error.
        refused = client.get("/projects/x/notes/not-a-uuid")
        assert refused.status_code == 404
        assert "noteId" in refused.headers["x-contractkit-violations"]


def test_cli_starts_a_server_for_a_folder(specs_dir: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "mocks",
        str(specs_dir / "split"),
        "--port",
        str(port),
        "--seed",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        answer = None
        for _ in range(200):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        assert answer is not None, "the mock did not start"
        assert (answer.status_code, answer.text) == (200, "ok")
        orders = httpx.get(f"http://127.0.0.1:{port}/shop/orders", auth=("u", "p"), timeout=5)
        assert orders.status_code == 200 and orders.json()[0]["status"] == "open"
    finally:
        process.terminate()
        process.wait(timeout=10)
