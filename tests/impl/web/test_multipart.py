"""The multipart validator keeps bodies on disk, replays them intact and enforces limits."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest
from connexion.exceptions import ProblemException

from contractkit.impl.web.failures import FieldErrors
from contractkit.impl.web.multipart import (
    MULTIPART_OVERHEAD,
    SpooledMultipartValidator,
    limit_request_bodies,
)

SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "minLength": 1}},
}


def encoded(files: dict[str, Any]) -> tuple[bytes, str]:
    request = httpx.Request("POST", "http://x/", files=files)
    return request.read(), request.headers["content-type"]


def scope_for(content_type: str, body: bytes, base_path: str = "/api") -> dict[str, Any]:
    return {
        "type": "http",
        "headers": [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "extensions": {"connexion_routing": {"api_base_path": base_path}},
    }


def receiver(body: bytes, chunk: int = 1000):  # type: ignore[no-untyped-def]
    messages = [
        {"type": "http.request", "body": body[i : i + chunk], "more_body": i + chunk < len(body)}
        for i in range(0, len(body), chunk)
    ] or [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> MutableMapping[str, Any]:
        return messages.pop(0)

    return receive


def validator() -> SpooledMultipartValidator:
    return SpooledMultipartValidator(
        schema=SCHEMA, required=True, encoding="utf-8", strict_validation=False
    )


async def drain(receive) -> bytes:  # type: ignore[no-untyped-def]
    data = b""
    while True:
        message = await receive()
        data += message["body"]
        if not message["more_body"]:
            return data


async def test_the_body_is_replayed_byte_for_byte() -> None:
    body, content_type = encoded({"file": ("a.bin", bytes(range(256)) * 300)})
    replay, _ = await validator().wrap_receive(receiver(body), scope=scope_for(content_type, body))
    assert await drain(replay) == body


async def test_empty_and_missing_files_are_field_errors() -> None:
    for files in (
        {"file": ("a.bin", b"")},
        {"other": ("b.bin", b"data")},
        {"file": (None, b"text")},
    ):
        body, content_type = encoded(files)
        with pytest.raises(FieldErrors) as caught:
            await validator().wrap_receive(receiver(body), scope=scope_for(content_type, body))
        assert "file" in caught.value.fields


async def test_bodies_past_the_registered_limit_are_refused_with_413() -> None:
    limit_request_bodies("/limited", 10)
    body, content_type = encoded({"file": ("a.bin", b"x" * (MULTIPART_OVERHEAD + 100))})
    with pytest.raises(ProblemException) as caught:
        await validator().wrap_receive(
            receiver(body), scope=scope_for(content_type, body, "/limited")
        )
    assert caught.value.status_code == 413


async def test_malformed_multipart_is_a_field_error() -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="file"\r\x00\r\n\r\nx\r\n--b--\r\n'
    with pytest.raises(FieldErrors):
        await validator().wrap_receive(
            receiver(body), scope=scope_for("multipart/form-data; boundary=b", body)
        )
