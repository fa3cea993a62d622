"""Path values that serialise to `.` or `..` segments reach the server as generated."""

from __future__ import annotations

from typing import Any

from contractkit.contract import run_contract
from contractkit.contract.dot_segments import dot_safe_path
from tests.contract_tests.documents import document, path_parameter, strings
from tests.contract_tests.fixtures.common import serve_on_loopback


def label(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return path_parameter(name, schema, style="label", explode=True)


# Empty label values serialise as `.`, two empty exploded items as `..`.
SPEC = document(
    "labels",
    {
        "/label/{primitive}/{array}/{object}": {
            "post": {
                "parameters": [
                    label("primitive", {"type": "string"}),
                    label("array", {"type": "array", "items": {"type": "string"}}),
                    label("object", strings(note={"type": "string"})),
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
)


def test_dot_segments_of_filled_parameters_are_escaped() -> None:
    template = "/a/{x}/{y}{z}/{w}/{v}.json/{u}"
    filled = dot_safe_path(template, {"x": ".", "y": ".", "z": ".", "w": ".x", "v": ".", "u": "a"})
    assert filled == "/a/%2E/%2E%2E/.x/..json/a"


def test_label_values_made_of_dots_reach_the_template() -> None:
    """The server routes by segments, as the mock does: a dot segment resolved away by the
    client would leave too few of them (404)."""
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["raw_path"].decode().split("?")[0]
        seen.append(path)
        segments = path.split("/")
        status = 404
        if len(segments) == 5 and segments[1] == "label":
            status = 200 if scope["method"] == "POST" else 405
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"allow", b"POST")]}
        )
        await send({"type": "http.response.body", "body": b""})

    with serve_on_loopback(app) as origin:
        result = run_contract(
            SPEC,
            base_url=origin,
            phases=("examples", "coverage", "fuzzing"),
            seed=1,
            max_examples=5,
        )
    assert any(part in (".", "..") for path in seen for part in path.split("/")[2:]), seen
    assert not result.findings, [(f.check, f.message, f.curl) for f in result.findings]


def test_an_empty_path_value_reaches_the_server_as_an_empty_segment() -> None:
    """``urljoin`` drops empty segments: ``/api/things//parts`` would arrive as
    ``/api/things/parts``, another path."""
    spec = document(
        "parts",
        {
            "/things/{id}/parts": {
                "get": {
                    "parameters": [path_parameter("id", {"type": "string", "example": ""})],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    )
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["raw_path"].decode().split("?")[0]
        seen.append(path)
        routed = path.startswith("/api/things/") and path.endswith("/parts")
        status = 200 if routed and path.count("/") == 4 else 404
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with serve_on_loopback(app) as origin:
        result = run_contract(
            spec, base_url=origin + "/api", phases=("examples",), seed=1, max_examples=3
        )
    assert "/api/things//parts" in seen, seen
    assert not result.findings, [(f.check, f.message, f.curl) for f in result.findings]
