"""validation/responses: how an answer breaks its operation, as data."""

from __future__ import annotations

import gzip
from pathlib import Path

from contractkit.mock.document.model import Operation
from contractkit.mock.engine import MockEngine
from contractkit.mock.proxy.forwarding import UpstreamAnswer
from contractkit.mock.validation.responses import validate_response

JSON = {"content-type": "application/json"}


def _operation(spec: Path, label: str) -> Operation:
    engine = MockEngine.from_paths([spec])
    return next(op for op in engine.operations if op.label == label)


def test_status_headers_content_type_and_body(shop_spec: Path) -> None:
    get_pet = _operation(shop_spec, "GET /pets/{petId}")
    good = b'{"id": 1, "name": "Rex"}'
    assert validate_response(get_pet, 200, {**JSON, "x-revision": "3"}, good) == []
    found = validate_response(get_pet, 200, JSON, good)
    assert [(v.location, v.name, v.message) for v in found] == [
        ("header", "x-revision", "is required but missing")
    ]
    typed = validate_response(get_pet, 200, {**JSON, "x-revision": "three"}, good)
    assert [(v.location, v.name) for v in typed] == [("header", "x-revision")]
    wrong_type = validate_response(
        get_pet, 200, {"content-type": "text/html", "x-revision": "3"}, b"<p>"
    )
    assert [(v.location, v.message) for v in wrong_type] == [
        ("content-type", "text/html is not documented (application/json)")
    ]
    broken = validate_response(get_pet, 404, JSON, b"{not json")
    assert [v.location for v in broken] == ["body"] and "not valid JSON" in broken[0].message
    assert [v.message for v in validate_response(get_pet, 500, JSON, b"{}")] == [
        "500 is not documented (documented: 200, 404)"
    ]
    assert [v.message for v in validate_response(get_pet, 404, JSON, b"")] == [
        "the documented body is missing"
    ]
    assert validate_response(get_pet, 404, JSON, None) == []  # body not checked


def test_compressed_answers_are_decoded_for_the_check() -> None:
    body = b'{"id": 1}'
    packed = UpstreamAnswer(200, [("Content-Encoding", "gzip")], gzip.compress(body))
    assert packed.decoded_body() == body
    assert UpstreamAnswer(200, [("content-encoding", "br")], b"\x00").decoded_body() is None
    assert UpstreamAnswer(200, [("content-encoding", "gzip")], b"junk").decoded_body() is None
