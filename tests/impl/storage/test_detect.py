"""Content types come from the bytes."""

from __future__ import annotations

import base64

import pytest

from contractkit.impl.storage.detect import detect_content_type, extension_for, type_allowed

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"%PDF-1.4\n%", "application/pdf"),
        (b"PK\x03\x04" + b"\x00" * 26, "application/zip"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "application/x-executable"),
        (b"hello, world\n", "text/plain"),
        ("na\u00efve caf\u00e9 \u2603".encode(), "text/plain"),
        (b"  <!DOCTYPE html><html></html>", "text/html"),
        (b"<script>alert(1)</script>", "text/html"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"<svg onload=alert(1)>", "image/svg+xml"),
        (b'<?xml version="1.0"?><note/>', "application/xml"),
        (b"\x00\x01\x02\x03binary", "application/octet-stream"),
        (b"\xc3\x28 invalid utf-8 in the middle", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_types_are_detected_from_the_first_bytes(head: bytes, expected: str) -> None:
    assert detect_content_type(head, complete=True) == expected


def test_a_character_cut_at_the_end_of_the_sniffed_bytes_is_still_text() -> None:
    head = "abc \u2603".encode()[:-1]
    assert detect_content_type(head) == "text/plain"
    assert detect_content_type(head, complete=True) == "application/octet-stream"


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [
        ("image/png", "png"),
        ("image/jpeg", "jpg"),
        ("application/pdf", "pdf"),
        ("text/plain", "txt"),
        ("application/octet-stream", "bin"),
        ("application/x-unknown-thing", "bin"),
    ],
)
def test_stored_extensions_follow_the_detected_type(content_type: str, extension: str) -> None:
    assert extension_for(content_type) == extension


def test_allowed_types_match_exactly_or_by_wildcard() -> None:
    assert type_allowed("image/png", ("image/png",))
    assert type_allowed("image/gif", ("image/*",))
    assert type_allowed("text/html", ("*/*",))
    assert not type_allowed("image/svg+xml", ("image/png", "text/*"))
    assert not type_allowed("text/html", ())
