"""The object storage interface every backend implements, and the rules object keys follow."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from types import TracebackType
from typing import BinaryIO, Literal

SIGNED_METHODS = ("GET", "PUT")
SignedMethod = Literal["GET", "PUT"]

_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")


class InvalidKey(ValueError):
    """An object key that could escape its folder or that storage cannot hold."""


class ObjectMissing(LookupError):
    """No object has this key."""


def check_key(key: str) -> str:
    """``key`` itself when it is a safe relative path (``a/b/c.png``), else :class:`InvalidKey`.

    Safe means: not empty, at most 900 characters, no leading or trailing ``/``, no empty, ``.``
    or ``..`` segment, no backslash and no control character.
    """
    if not key or len(key) > 900:
        raise InvalidKey("an object key has 1 to 900 characters")
    if _FORBIDDEN_CHARACTERS.search(key):
        raise InvalidKey("an object key has no backslash or control character")
    segments = key.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise InvalidKey("an object key is a relative path without empty, '.' or '..' parts")
    return key


class ObjectWriter(ABC):
    """Receives an object's bytes; nothing is visible under the key until :meth:`commit`.

    Used as a context manager, a writer that was not committed is aborted on exit, so that an
    error halfway leaves nothing behind.
    """

    def __init__(self) -> None:
        self.size = 0
        self._finished = False

    def write(self, chunk: bytes) -> None:
        if self._finished:
            raise RuntimeError("the writer is already finished")
        if chunk:
            self._write(chunk)
            self.size += len(chunk)

    def commit(self) -> None:
        """Make the object visible under its key, all at once."""
        if self._finished:
            raise RuntimeError("the writer is already finished")
        self._commit()
        self._finished = True

    def abort(self) -> None:
        """Throw away what was written; idempotent."""
        if not self._finished:
            self._finished = True
            self._abort()

    def __enter__(self) -> ObjectWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    @abstractmethod
    def _write(self, chunk: bytes) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _abort(self) -> None: ...


class Storage(ABC):
    """Objects under keys, in one bucket (S3) or folder (local), below an optional prefix.

    Keys given to these methods are relative to the storage's prefix and checked by
    :func:`check_key`. ``route`` arguments are the absolute URL under which the API serves the
    local backend's objects (``https://host/chainsite/storage``); S3 ignores them.
    """

    bucket: str
    serves_own_urls: bool = False
    """Whether the API's own storage route serves this backend's URLs (the local backend)."""

    @abstractmethod
    def writer(self, key: str, content_type: str) -> ObjectWriter:
        """A writer for a new object (replacing any old one on commit)."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; no error when it does not exist."""

    @abstractmethod
    def open(self, key: str) -> tuple[BinaryIO, int]:
        """A readable stream of the object and its size, or :class:`ObjectMissing`."""

    @abstractmethod
    def public_url(self, key: str, route: str) -> str:
        """The object's stable address (readable without credentials when public)."""

    @abstractmethod
    def signed_url(
        self,
        key: str,
        method: SignedMethod,
        ttl_seconds: int,
        route: str,
        content_type: str | None = None,
    ) -> str:
        """A URL allowing ``method`` (GET reads, PUT writes) on the object for ``ttl_seconds``."""

    @abstractmethod
    def sweep_unfinished(self, older_than_seconds: float) -> int:
        """Discard uploads begun over ``older_than_seconds`` ago and never finished; how many."""

    @abstractmethod
    def stored_keys(self, prefix: str, older_than_seconds: float) -> Iterator[str]:
        """Keys below ``prefix`` of objects last written over ``older_than_seconds`` ago."""

    def verify(self, method: str, key: str, expires: int | None, signature: str | None) -> bool:
        """Whether a signed URL of the API's own storage route is genuine and current."""
        return False

    def read_chunks(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The object's bytes, chunk by chunk."""
        stream, _ = self.open(key)
        try:
            while chunk := stream.read(chunk_size):
                yield chunk
        finally:
            stream.close()
