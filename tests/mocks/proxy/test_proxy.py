"""``contractkit proxy`` against a real upstream: pass-through, violations both ways, mock
fallback, and the report written on exit."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from contractkit.mock.engine import MockEngine, MockOptions
from contractkit.mock.proxy.app import ProxyApp
from contractkit.mock.proxy.cli import configure_parser
from contractkit.pytest_plugin import free_port
from tests.mocks.proxy.conftest import Upstream

Serve = Callable[[Any], str]


def proxy(
    serve: Serve, spec: Path, upstream: str, fallback: bool = False, stateful: bool = False
) -> str:
    engine = MockEngine.from_paths([spec], MockOptions(stateful=stateful))
    return serve(ProxyApp(engine, upstream, fallback=fallback))


def violations(base: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = httpx.get(f"{base}/__mock/violations").json()
    return found


def test_good_traffic_passes_through_unchanged(
    serve: Serve, shop_spec: Path, upstream: Upstream
) -> None:
    base = proxy(serve, shop_spec, upstream.url, fallback=True)
    headers = {"X-Trace": "abc", "Accept": "application/json"}
    direct = httpx.get(f"{upstream.url}/pets/1?verbose=true", headers=headers)
    proxied = httpx.get(f"{base}/pets/1?verbose=true", headers=headers)
    assert proxied.status_code == direct.status_code == 200
    assert proxied.content == direct.content
    assert sorted(proxied.headers.multi_items()) == sorted(
        [*direct.headers.multi_items(), ("x-contractkit-source", "upstream")]
    )
    assert len(proxied.headers.get_list("set-cookie")) == 2

    again = httpx.get(f"{base}/pets/1", headers={"Cookie": "mine=1"})
    assert again.status_code == 200
    assert dict(upstream.seen[-1]["headers"])["cookie"] == "mine=1"  # no jar in the proxy
    forwarded = upstream.seen[-2]
    assert (forwarded["method"], forwarded["path"], forwarded["query"]) == (
        "GET",
        "/pets/1",
        "verbose=true",
    )
    sent = dict(forwarded["headers"])
    assert sent["x-trace"] == "abc" and sent["host"] == upstream.url.split("://")[1]

    missing = httpx.get(f"{base}/pets/2")
    assert (missing.status_code, missing.json()) == (404, {"message": "no such pet"})
    assert missing.headers["x-contractkit-source"] == "upstream"
    assert violations(base) == []


def test_violations_of_both_directions_are_reported_exactly(
    serve: Serve, shop_spec: Path, upstream: Upstream
) -> None:
    base = proxy(serve, shop_spec, upstream.url)
    answer = httpx.get(f"{base}/pets?limit=0")
    assert answer.status_code == 200
    assert answer.json() == httpx.get(f"{upstream.url}/pets").json()
    assert answer.headers["x-contractkit-proxy-violations"] == "3"
    summary = answer.headers["x-contractkit-proxy-summary"]
    assert "request /query/limit" in summary and "response /body/1/id" in summary
    found = violations(base)
    assert [(v["operation"], v["direction"], v["pointer"]) for v in found] == [
        ("GET /pets", "request", "/query/limit"),
        ("GET /pets", "response", "/body/1/id"),
        ("GET /pets", "response", "/body/2/name"),
    ]
    assert "minimum of 1" in found[0]["message"]
    assert 'is not of type "integer"' in found[1]["message"]
    assert '"name" is a required property' in found[2]["message"]

    not_implemented = httpx.post(f"{base}/pets", json={"name": "Rex"})
    assert (not_implemented.status_code, not_implemented.text) == (501, "not implemented yet")
    assert upstream.seen[-1]["body"] == b'{"name":"Rex"}'
    assert violations(base)[3:] == [
        {
            "operation": "POST /pets",
            "direction": "response",
            "message": "501 is not documented (documented: 201, 422)",
            "pointer": "/status",
        }
    ]
    assert httpx.post(f"{base}/__mock/reset").status_code == 204
    assert violations(base) == []


def test_the_mock_answers_what_the_upstream_lacks(
    serve: Serve, shop_spec: Path, upstream: Upstream
) -> None:
    base = proxy(serve, shop_spec, upstream.url, fallback=True)
    created = httpx.post(f"{base}/pets", json={"name": "Rex"})
    assert created.status_code == 201 and created.headers["x-contractkit-source"] == "mock"
    pet = created.json()
    assert set(pet) == {"id", "name"} and isinstance(pet["id"], int) and pet["id"] >= 1
    assert upstream.seen[-1]["method"] == "POST"

    orders = httpx.get(f"{base}/orders")
    assert orders.headers["x-contractkit-source"] == "mock"
    assert (orders.status_code, orders.json()) == (200, [{"id": 1, "status": "open"}])

    refused = httpx.post(f"{base}/pets", json={"name": ""})
    assert refused.status_code == 422 and refused.headers["x-contractkit-source"] == "mock"
    assert refused.headers["x-contractkit-proxy-violations"] == "1"
    assert [(v["direction"], v["pointer"]) for v in violations(base)] == [("request", "/body/name")]


def test_a_stateful_fallback_remembers_what_the_upstream_lacks(
    serve: Serve, shop_spec: Path, upstream: Upstream
) -> None:
    base = proxy(serve, shop_spec, upstream.url, fallback=True, stateful=True)
    created = httpx.post(f"{base}/orders", json={"status": "shipped"})
    assert created.status_code == 201 and created.headers["x-contractkit-source"] == "mock"
    assert created.json() == {"id": 1, "status": "shipped"}
    listed = httpx.get(f"{base}/orders")
    assert listed.json() == [{"id": 1, "status": "shipped"}]
    assert httpx.get(f"{base}/orders/1").json() == {"id": 1, "status": "shipped"}
    assert violations(base) == []


def test_an_unreachable_upstream_falls_back_or_answers_502(serve: Serve, shop_spec: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with_mock = proxy(serve, shop_spec, closed, fallback=True)
    orders = httpx.get(f"{with_mock}/orders")
    assert orders.status_code == 200 and orders.headers["x-contractkit-source"] == "mock"
    undocumented = httpx.get(f"{with_mock}/nowhere")
    assert undocumented.status_code == 502
    assert undocumented.headers["x-contractkit-source"] == "proxy"
    assert "unreachable" in undocumented.json()["detail"]
    assert violations(with_mock) == [
        {
            "operation": "GET /nowhere",
            "direction": "request",
            "message": "GET /nowhere is not documented",
            "pointer": "/path",
        }
    ]
    alone = proxy(serve, shop_spec, closed)
    assert httpx.get(f"{alone}/orders").status_code == 502


class ProxyCommand:
    def __init__(self, spec: Path, upstream: str, report: Path) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "contractkit.cli", "proxy", str(spec)]
        command += ["--upstream", upstream, "--port", str(self.port), "--report", str(report)]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()[1]
            try:
                httpx.get(f"{self.url}/__mock/violations", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the proxy did not start")

    def stop(self, signum: int) -> str:
        self.process.send_signal(signum)
        _, errors = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, errors
        return str(errors)


@pytest.mark.parametrize(("suffix", "signum"), [(".md", signal.SIGINT), (".xml", signal.SIGTERM)])
def test_the_report_is_written_on_exit(
    suffix: str, signum: int, shop_spec: Path, upstream: Upstream, tmp_path: Path
) -> None:
    report = tmp_path / "reports" / f"proxy{suffix}"
    command = ProxyCommand(shop_spec, upstream.url, report)
    try:
        assert httpx.get(f"{command.url}/pets").status_code == 200
        assert httpx.get(f"{command.url}/pets/1").status_code == 200
        assert httpx.get(f"{command.url}/pets").status_code == 200
    finally:
        errors = command.stop(signum)
    assert f"Report written to {report}" in errors
    text = report.read_text()
    if suffix == ".md":
        assert "- exchanges: 3 (upstream 3)" in text
        assert "- violations: 4 (2 distinct)" in text
        assert "| GET /pets | response | `/body/1/id` |" in text
        assert "| GET /pets | response | `/body/2/name` |" in text
        assert text.count("| GET /pets |") == 2 and text.rstrip().endswith("| 2 |")
        return
    suite = ElementTree.fromstring(text).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"GET /pets", "GET /pets/{petId}"}
    assert cases["GET /pets/{petId}"].find("failure") is None
    failure = cases["GET /pets"].find("failure")
    assert failure is not None and failure.get("message") == "4 violation(s)"
    assert "response /body/1/id" in (failure.text or "")


@pytest.mark.parametrize(
    "argv",
    [
        ["a.yaml", "--upstream", "ftp://example.com"],
        ["a.yaml", "--upstream", "http://x", "--report", "out.txt"],
        ["a.yaml", "--upstream", "http://x", "--fallback", "echo"],
        ["a.yaml"],
    ],
)
def test_bad_arguments_are_refused(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
