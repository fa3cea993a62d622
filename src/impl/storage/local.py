"""The local backend: a folder on disk, with URLs served and signed by the API itself."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from contractkit.impl.storage.base import (
    InvalidKey,
    ObjectMissing,
    ObjectWriter,
    SignedMethod,
    Storage,
    check_key,
)
from contractkit.impl.storage.signing import UrlSigner

TEMPORARY_FOLDER = ".incoming"
"""Where objects are written before being moved into place (never a valid key segment)."""


class _LocalWriter(ObjectWriter):
    """Writes to a temporary file in the same file system, then renames it into place."""

    def __init__(self, target: Path, temporary_folder: Path) -> None:
        super().__init__()
        self._target = target
        # The storage folder and its staging folder are private to the server's user.
        temporary_folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary_folder.mkdir(mode=0o700, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=temporary_folder, prefix="upload-", suffix=".part")
        self._temporary = Path(name)
        self._handle: BinaryIO = os.fdopen(fd, "wb")

    def _write(self, chunk: bytes) -> None:
        self._handle.write(chunk)

    def _commit(self) -> None:
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(self._temporary, self._target)
        except BaseException:
            self._discard()
            raise

    def _abort(self) -> None:
        self._discard()

    def _discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            self._temporary.unlink()


class LocalStorage(Storage):
    """Objects are files below ``root / prefix``; signed URLs carry ``expires`` and ``signature``.

    The folder is also the bucket name shown to clients.
    """

    serves_own_urls = True

    def __init__(self, root: Path, signer: UrlSigner, prefix: str = "") -> None:
        self.root = root
        self.bucket = root.name
        self._signer = signer
        self._prefix = prefix.strip("/")
        self._base = root / self._prefix if self._prefix else root

    def _path(self, key: str) -> Path:
        segments = check_key(key).split("/")
        if not self._prefix and segments[0] == TEMPORARY_FOLDER:
            raise InvalidKey(f"{TEMPORARY_FOLDER!r} is reserved for unfinished uploads")
        return self._base.joinpath(*segments)

    def writer(self, key: str, content_type: str) -> ObjectWriter:
        target = self._path(key)
        return _LocalWriter(target, self.root / TEMPORARY_FOLDER)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def open(self, key: str) -> tuple[BinaryIO, int]:
        path = self._path(key)
        try:
            stream = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectMissing(key) from exc
        return stream, os.fstat(stream.fileno()).st_size

    def public_url(self, key: str, route: str) -> str:
        return f"{route.rstrip('/')}/{quote(check_key(key))}"

    def signed_url(
        self,
        key: str,
        method: SignedMethod,
        ttl_seconds: int,
        route: str,
        content_type: str | None = None,
    ) -> str:
        expires = self._signer.expiry(ttl_seconds)
        query = urlencode(
            {"expires": expires, "signature": self._signer.signature(method, key, expires)}
        )
        return f"{self.public_url(key, route)}?{query}"

    def sweep_unfinished(self, older_than_seconds: float) -> int:
        """Remove ``.part`` files of uploads interrupted (e.g. by a crash) before their commit."""
        folder = self.root / TEMPORARY_FOLDER
        if not folder.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for part in folder.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if part.stat().st_mtime < cutoff:
                    part.unlink()
                    removed += 1
        return removed

    def stored_keys(self, prefix: str, older_than_seconds: float) -> Iterator[str]:
        folder = self._base.joinpath(*check_key(prefix.strip("/")).split("/"))
        if not folder.is_dir():
            return
        cutoff = time.time() - older_than_seconds
        for path in folder.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    yield path.relative_to(self._base).as_posix()

    def verify(self, method: str, key: str, expires: int | None, signature: str | None) -> bool:
        return self._signer.is_valid(method, key, expires, signature)
