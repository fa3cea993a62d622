"""Both backends keep the same promises: atomic writes, signed URLs, nothing left on failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contractkit.impl.config import load_settings
from contractkit.impl.storage import s3 as s3_module
from contractkit.impl.storage.base import InvalidKey, ObjectMissing, Storage
from contractkit.impl.storage.config import storage_for
from contractkit.impl.storage.local import TEMPORARY_FOLDER, LocalStorage
from contractkit.impl.storage.s3 import S3Storage
from tests.impl.storage.moto_s3 import MotoS3

SECRET = "storage-test-secret-that-is-long-enough-0123456789"


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


class Backend:
    """A storage plus a way to list everything it really holds."""

    def __init__(self, storage: Storage, listing) -> None:  # type: ignore[no-untyped-def]
        self.storage = storage
        self.listing = listing


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path: Path) -> Iterator[Backend]:  # type: ignore[no-untyped-def]
    env = {"CONTRACTKIT_DATA_DIR": str(tmp_path / "data"), "CONTRACTKIT_STORAGE_SECRET": SECRET}
    if request.param == "local":
        storage = storage_for(load_settings(env), "demo")
        assert isinstance(storage, LocalStorage)
        root = tmp_path / "data" / "storage"
        yield Backend(storage, lambda: _files(root) if root.exists() else [])
    else:
        moto: MotoS3 = request.getfixturevalue("moto_s3")
        bucket = moto.new_bucket()
        env = {**env, **moto.env, "CONTRACTKIT_STORAGE_URL": moto.storage_url(bucket)}
        storage = storage_for(load_settings(env), "demo")
        assert isinstance(storage, S3Storage)
        yield Backend(storage, lambda: moto.keys(bucket) + moto.pending_uploads(bucket))


def test_an_object_appears_only_once_committed(backend: Backend) -> None:
    storage = backend.storage
    with storage.writer("public/u1/a.txt", "text/plain") as writer:
        writer.write(b"hello ")
        writer.write(b"world")
        assert not storage.exists("public/u1/a.txt")
        writer.commit()
    assert writer.size == 11
    assert storage.exists("public/u1/a.txt")
    assert b"".join(storage.read_chunks("public/u1/a.txt")) == b"hello world"
    assert backend.listing() in (["storage/demo/public/u1/a.txt"], ["demo/public/u1/a.txt"])


def test_an_aborted_or_failed_write_leaves_nothing(backend: Backend) -> None:
    storage = backend.storage
    with storage.writer("a/b.bin", "application/octet-stream") as writer:
        writer.write(b"partial")
        writer.abort()
    with pytest.raises(RuntimeError), storage.writer("a/c.bin", "application/octet-stream") as w:
        w.write(b"partial")
        raise RuntimeError("the client went away")
    assert not storage.exists("a/b.bin")
    assert not storage.exists("a/c.bin")
    assert backend.listing() == []


def test_large_objects_are_written_in_parts_and_abort_cleanly(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3_module, "PART_SIZE", 5 * 1024 * 1024)
    block = bytes(range(256)) * 4096  # 1 MiB
    storage = backend.storage
    with storage.writer("big/abandoned.bin", "application/octet-stream") as writer:
        for _ in range(6):
            writer.write(block)
    assert backend.listing() == []
    with storage.writer("big/whole.bin", "application/octet-stream") as writer:
        for _ in range(6):
            writer.write(block)
        writer.commit()
    stream, size = storage.open("big/whole.bin")
    with stream:
        assert size == 6 * len(block)
        assert stream.read() == block * 6


def test_signed_urls_serve_the_same_bytes(backend: Backend) -> None:
    storage = backend.storage
    with storage.writer("private/u1/doc.pdf", "application/pdf") as writer:
        writer.write(b"%PDF-1.4 body")
        writer.commit()
    url = storage.signed_url("private/u1/doc.pdf", "GET", 300, "http://app.test/api/storage")
    if storage.serves_own_urls:
        assert url.startswith("http://app.test/api/storage/private/u1/doc.pdf?expires=")
        query = httpx.URL(url).params
        assert storage.verify(
            "GET", "private/u1/doc.pdf", int(query["expires"]), query["signature"]
        )
        assert not storage.verify(
            "PUT", "private/u1/doc.pdf", int(query["expires"]), query["signature"]
        )
    else:
        assert "X-Amz-Expires=300" in url
        answer = httpx.get(url)
        assert answer.status_code == 200
        assert answer.content == b"%PDF-1.4 body"


def test_missing_objects_and_unsafe_keys(backend: Backend) -> None:
    storage = backend.storage
    with pytest.raises(ObjectMissing):
        storage.open("nothing/here.txt")
    storage.delete("nothing/here.txt")
    for key in ("../escape.txt", "/abs.txt", "a//b"):
        with pytest.raises(InvalidKey):
            storage.writer(key, "text/plain")
    assert backend.listing() == []


def test_s3_put_urls_accept_uploads(moto_s3: MotoS3, tmp_path: Path) -> None:
    bucket = moto_s3.new_bucket()
    env = {
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "DEMO_STORAGE_URL": moto_s3.storage_url(bucket, "root"),
        **moto_s3.env,
    }
    storage = storage_for(load_settings(env), "demo")
    put = storage.signed_url("t/logo.png", "PUT", 300, "")
    assert httpx.put(put, content=b"\x89PNG bytes").status_code == 200
    assert moto_s3.keys(bucket) == ["root/t/logo.png"]
    get = storage.signed_url("t/logo.png", "GET", 300, "", content_type="image/png")
    answer = httpx.get(get)
    assert (answer.content, answer.headers["content-type"]) == (b"\x89PNG bytes", "image/png")
    assert storage.public_url("t/logo.png", "") == f"{moto_s3.endpoint}/{bucket}/root/t/logo.png"


def test_the_temporary_folder_is_not_a_key(tmp_path: Path) -> None:
    env = {"CONTRACTKIT_DATA_DIR": str(tmp_path), "DEMO_STORAGE_URL": str(tmp_path / "own")}
    storage = storage_for(load_settings(env), "demo")
    with pytest.raises(InvalidKey):
        storage.writer(f"{TEMPORARY_FOLDER}/x", "text/plain")
