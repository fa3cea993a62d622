"""Plain YAML scenarios: a document, requests, and the answers expected (see ``scenarios/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contractkit.mock.document.schemas import RESPONSE
from contractkit.mock.generation.errors import VIOLATIONS_HEADER
from contractkit.pytest_plugin import build_mock_app

HERE = Path(__file__).parent
SCENARIOS = sorted((HERE / "scenarios").glob("*.yaml"))


def _at(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _fill(text: str, saved: dict[str, Any]) -> str:
    for name, value in saved.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario(scenario: Path) -> None:
    plan = yaml.safe_load(scenario.read_text())
    app = build_mock_app(HERE / "specs" / plan["spec"], **plan.get("options", {}))
    saved: dict[str, Any] = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://mock"
    ) as client:
        for index, step in enumerate(plan["steps"]):
            request = step["request"]
            url = _fill(request["path"], saved) + (
                "?" + request["query"] if "query" in request else ""
            )
            kwargs: dict[str, Any] = {"headers": request.get("headers", {})}
            if "json" in request:
                kwargs["json"] = request["json"]
            if "body" in request:
                kwargs["content"] = request["body"]
            response = await client.request(request["method"], url, **kwargs)
            expect = step["expect"]
            where = f"{scenario.name} step {index + 1}"
            assert response.status_code == expect["status"], (where, response.text)
            for name, value in expect.get("headers", {}).items():
                assert response.headers.get(name) == value, (where, name)
            if "json" in expect:
                assert response.json() == expect["json"], where
            if "json_keys" in expect:
                assert sorted(response.json()) == sorted(expect["json_keys"]), where
            if "json_has" in expect:
                assert set(expect["json_has"]) <= set(response.json()), where
            if "valid_against" in expect:
                document = app.engine.workspace.roots[0]
                located = app.engine.workspace.resolve(
                    f"#/components/schemas/{expect['valid_against']}", document
                )
                schema = app.engine.compiler.compile(located, RESPONSE)
                assert schema.is_valid(response.json()), (where, schema.errors(response.json()))
            for dotted, value in expect.get("json_at", {}).items():
                assert _at(response.json(), dotted) == value, (where, dotted)
            if "violations" in expect:
                assert json.loads(response.headers[VIOLATIONS_HEADER]) == expect["violations"], (
                    where
                )
            for name, dotted in step.get("save", {}).items():
                saved[name] = _at(response.json(), dotted)
