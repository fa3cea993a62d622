"""Streaming an upload into storage: sniff its type, enforce the limits, never keep it whole.

Bytes are copied chunk by chunk into a storage writer, which shows the object only when it is
complete; a refused upload (empty, too large, refused type) leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import anyio.to_thread

from contractkit.impl.storage.base import Storage
from contractkit.impl.storage.detect import SNIFF_BYTES, detect_content_type, type_allowed

CHUNK_SIZE = 64 * 1024


class UploadRejected(Exception):
    """The upload is refused; nothing was stored."""


class EmptyUpload(UploadRejected):
    """The file has no bytes."""


class UploadTooLarge(UploadRejected):
    """The file has more bytes than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The file is larger than the {limit} bytes allowed")
        self.limit = limit


class TypeRefused(UploadRejected):
    """The type detected from the file's bytes is not accepted."""

    def __init__(self, content_type: str) -> None:
        super().__init__(f"Files of type {content_type} are not accepted")
        self.content_type = content_type


@dataclass(frozen=True)
class StoredUpload:
    key: str
    size: int
    content_type: str


def file_chunks(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """``stream``'s bytes from its start, chunk by chunk."""
    stream.seek(0)
    while chunk := stream.read(chunk_size):
        yield chunk


def store_upload(
    storage: Storage,
    chunks: Iterable[bytes],
    *,
    key_for: Callable[[str], str],
    max_bytes: int,
    allowed_types: tuple[str, ...],
) -> StoredUpload:
    """Store ``chunks`` under ``key_for(detected content type)``.

    Raises :class:`EmptyUpload`, :class:`UploadTooLarge` or :class:`TypeRefused` (nothing
    stored) before or while copying.
    """
    source = iter(chunks)
    head = bytearray()
    exhausted = False
    while len(head) < SNIFF_BYTES:
        chunk = next(source, None)
        if chunk is None:
            exhausted = True
            break
        head += chunk
    if not head:
        raise EmptyUpload("The file is empty")
    if len(head) > max_bytes:
        raise UploadTooLarge(max_bytes)
    content_type = detect_content_type(bytes(head[:SNIFF_BYTES]), complete=exhausted)
    if not type_allowed(content_type, allowed_types):
        raise TypeRefused(content_type)
    key = key_for(content_type)
    with storage.writer(key, content_type) as writer:
        writer.write(bytes(head))
        for chunk in source:
            if writer.size + len(chunk) > max_bytes:
                raise UploadTooLarge(max_bytes)
            writer.write(chunk)
        writer.commit()
    return StoredUpload(key, writer.size, content_type)


async def store_body(
    storage: Storage,
    key: str,
    content_type: str,
    chunks: AsyncIterable[bytes],
    *,
    max_bytes: int,
) -> StoredUpload:
    """Store a request body arriving in ``chunks`` under ``key``; writes run off the event loop.

    An over-long body raises :class:`UploadTooLarge` after the rest of it has been read and
    dropped (so the client gets the answer), and nothing is stored.
    """
    writer = await anyio.to_thread.run_sync(storage.writer, key, content_type)
    too_large = False
    try:
        async for chunk in chunks:
            if too_large or writer.size + len(chunk) > max_bytes:
                too_large = True
                continue
            await anyio.to_thread.run_sync(writer.write, chunk)
        if too_large:
            raise UploadTooLarge(max_bytes)
        await anyio.to_thread.run_sync(writer.commit)
    finally:
        await anyio.to_thread.run_sync(writer.abort)
    return StoredUpload(key, writer.size, content_type)
