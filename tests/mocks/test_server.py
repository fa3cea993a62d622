"""The ASGI adapter: CORS, HEAD, admin endpoints, latency and faults, reload."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from contractkit.mock.engine import MockEngine, MockOptions
from contractkit.mock.server import MockApp, create_app
from contractkit.mock.types import MockRequest

MockClient = Callable[..., httpx.AsyncClient]


async def test_cors_preflight_and_exposed_headers(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "petstore.yaml")
    preflight = await client.options(
        "/v1/pets",
        headers={
            "origin": "http://app.test",
            "access-control-request-method": "POST",
            "access-control-request-headers": "x-api-key",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "http://app.test"
    assert preflight.headers["access-control-allow-headers"] == "x-api-key"
    answer = await client.get("/v1/pets", headers={"origin": "http://app.test"})
    assert "x-contractkit-violations" in answer.headers["access-control-expose-headers"]


async def test_cors_can_be_switched_off(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "petstore.yaml", cors=False)
    answer = await client.get("/v1/pets", headers={"origin": "http://app.test"})
    assert "access-control-allow-origin" not in answer.headers


async def test_head_has_headers_but_no_body(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "petstore.yaml")
    answer = await client.head("/v1/pets/1")
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"] == "application/json"


async def test_request_log_and_coverage(mock_client: MockClient, specs_dir: Path) -> None:
    client = mock_client(specs_dir / "petstore.yaml", refuse_undocumented=True)
    await client.get("/v1/pets")
    await client.get("/v1/pets/1", headers={"prefer": "code=404"})
    await client.get("/v1/pets/x")
    log = (await client.get("/__mock/requests")).json()
    assert [(e["path"], e["status"]) for e in log] == [
        ("/v1/pets", 200),
        ("/v1/pets/1", 404),
        ("/v1/pets/x", 400),
    ]
    coverage = (await client.get("/__mock/coverage")).json()
    rows = {row["operationId"]: row for row in coverage["operations"]}
    assert rows["getPet"]["exercised"] == ["404"]
    assert rows["getPet"]["undocumented"] == ["400 (undocumented)"]
    assert rows["listPets"]["missing"] == ["default"]
    assert coverage["summary"]["operations_called"] == 2


def test_delay_and_faults_from_the_x_mock_extension(specs_dir: Path) -> None:
    engine = MockEngine.from_paths([specs_dir / "faults.yaml"])
    slow = engine.handle(MockRequest("GET", "/slow"))
    assert 0.02 <= slow.delay <= 0.04
    flaky = engine.handle(MockRequest("GET", "/flaky"))
    assert flaky.status == 503
    assert flaky.body == b'{"reason": "Injected fault"}'


def test_error_rate_option_applies_to_every_operation(specs_dir: Path) -> None:
    engine = MockEngine.from_paths(
        [specs_dir / "petstore.yaml"], MockOptions(error_rate=1.0, delay_ms=(5, 5))
    )
    answer = engine.handle(MockRequest("GET", "/v1/pets"))
    assert answer.status == 500 and answer.delay == 0.005


def test_reload_picks_up_changes_in_referenced_files(tmp_path: Path, specs_dir: Path) -> None:
    folder = tmp_path / "split"
    shutil.copytree(specs_dir / "split", folder)
    app: MockApp = create_app([folder], watch=True)
    assert folder / "schemas" / "line.yaml" not in app.watched_files()
    app.engine.handle(MockRequest("GET", "/shop/orders", headers={"authorization": "Basic dTpw"}))
    assert (folder / "schemas" / "line.yaml").resolve() in app.watched_files()
    line = folder / "schemas" / "line.yaml"
    line.write_text(line.read_text() + "  colour: {type: string, enum: [red]}\n")
    assert app.reload()
    answer = app.engine.handle(
        MockRequest("GET", "/shop/orders", headers={"authorization": "Basic dTpw"})
    )
    assert b'"colour":"red"' in answer.body


async def test_watcher_reloads_on_file_change(tmp_path: Path, specs_dir: Path) -> None:
    import asyncio

    spec = tmp_path / "pets.yaml"
    shutil.copy(specs_dir / "petstore.yaml", spec)
    app = create_app([spec], watch=True)
    events: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await events.put({"type": "lifespan.startup"})
    sent: list[dict[str, str]] = []

    async def send(message: dict[str, str]) -> None:
        sent.append(message)

    lifespan = asyncio.create_task(app({"type": "lifespan"}, events.get, send))
    for _ in range(100):
        if sent:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    spec.write_text(spec.read_text().replace("operationId: myPets", "operationId: ownPets"))
    for _ in range(100):
        if app.reloads:
            break
        await asyncio.sleep(0.05)
    await events.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(lifespan, 10)
    assert app.reloads >= 1
    assert any(op.operation_id == "ownPets" for op in app.engine.operations)
