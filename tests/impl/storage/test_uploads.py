"""Streaming uploads: limits and types are enforced while copying; refusals store nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from contractkit.impl.storage.local import LocalStorage
from contractkit.impl.storage.signing import UrlSigner
from contractkit.impl.storage.uploads import (
    EmptyUpload,
    TypeRefused,
    UploadTooLarge,
    store_body,
    store_upload,
)

ALLOWED = ("text/plain", "image/png")


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "store", UrlSigner("x" * 40))


def stored(storage: LocalStorage) -> list[str]:
    return sorted(str(p.relative_to(storage.root)) for p in storage.root.rglob("*") if p.is_file())


def chunks(*parts: bytes) -> Iterator[bytes]:
    yield from parts


def test_the_key_follows_the_detected_type(storage: LocalStorage) -> None:
    seen: list[str] = []

    def key_for(content_type: str) -> str:
        seen.append(content_type)
        return "u/file.txt"

    result = store_upload(
        storage, chunks(b"plain ", b"text"), key_for=key_for, max_bytes=100, allowed_types=ALLOWED
    )
    assert (result.key, result.size, result.content_type) == ("u/file.txt", 10, "text/plain")
    assert seen == ["text/plain"]
    assert b"".join(storage.read_chunks("u/file.txt")) == b"plain text"


def test_the_limit_is_exact(storage: LocalStorage) -> None:
    body = [b"a" * 6000, b"b" * 6000]
    result = store_upload(
        storage, chunks(*body), key_for=lambda _: "ok.txt", max_bytes=12000, allowed_types=ALLOWED
    )
    assert result.size == 12000
    with pytest.raises(UploadTooLarge):
        store_upload(
            storage,
            chunks(*body, b"c"),
            key_for=lambda _: "no.txt",
            max_bytes=12000,
            allowed_types=ALLOWED,
        )
    assert stored(storage) == ["ok.txt"]


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        ((), EmptyUpload),
        ((b"",), EmptyUpload),
        ((b"x" * 20000,), UploadTooLarge),
        ((b"<html><body>", b"</body></html>"), TypeRefused),
        ((b"\x7fELF\x02\x01\x01" + b"\x00" * 64,), TypeRefused),
    ],
)
def test_refused_uploads_store_nothing(storage: LocalStorage, parts, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        store_upload(
            storage,
            chunks(*parts),
            key_for=lambda _: "x.bin",
            max_bytes=10000,
            allowed_types=ALLOWED,
        )
    assert stored(storage) == []


async def _body(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_request_bodies_stream_into_storage(storage: LocalStorage) -> None:
    result = await store_body(storage, "t/a.bin", "image/png", _body(b"ab", b"cd"), max_bytes=4)
    assert result.size == 4
    with pytest.raises(UploadTooLarge):
        await store_body(storage, "t/b.bin", "image/png", _body(b"ab", b"cde"), max_bytes=4)
    assert stored(storage) == ["t/a.bin"]
