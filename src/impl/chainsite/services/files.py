"""Stored files: an upload's bytes with their record, and the records people may see."""

from __future__ import annotations

import uuid
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contractkit.impl.chainsite.context import ChainsiteContext
from contractkit.impl.chainsite.models import PRIVATE, PUBLIC, StoredFile
from contractkit.impl.chainsite.objectid import new_object_id
from contractkit.impl.errors import not_found
from contractkit.impl.storage.detect import extension_for
from contractkit.impl.storage.uploads import file_chunks, store_upload
from contractkit.impl.timeutil import utcnow


def upload_file(
    ctx: ChainsiteContext, part: BinaryIO, *, uploaded_by: str, visibility: str, original_name: str
) -> StoredFile:
    """Store the part's bytes, then their record; if the record fails, the bytes are deleted.

    Raises ``storage.uploads.UploadRejected`` (empty, too large, refused type): nothing stored.
    """
    settings = ctx.settings
    stored = store_upload(
        ctx.storage,
        file_chunks(part),
        key_for=lambda content_type: (
            f"{visibility}/{uploaded_by}/{uuid.uuid4()}.{extension_for(content_type)}"
        ),
        max_bytes=settings.max_upload_bytes,
        allowed_types=settings.allowed_types,
    )
    try:
        with ctx.db.transaction() as session:
            now = utcnow()
            record = StoredFile(
                id=new_object_id(),
                name=stored.key,
                visibility=visibility,
                uploaded_by=uploaded_by,
                content_type=stored.content_type,
                size=stored.size,
                original_name=original_name,
                status=True,
                created_at=now,
                updated_at=now,
                version=0,
            )
            session.add(record)
            session.flush()
    except BaseException:
        ctx.storage.delete(stored.key)
        raise
    return record


ORPHAN_BATCH = 500


def remove_orphans(ctx: ChainsiteContext, older_than_seconds: float) -> int:
    """Delete stored objects older than this that have no record (an upload cut off between
    storing its bytes and writing its record); how many."""
    removed = 0
    for visibility in (PUBLIC, PRIVATE):
        batch: list[str] = []
        for key in ctx.storage.stored_keys(visibility, older_than_seconds):
            batch.append(key)
            if len(batch) == ORPHAN_BATCH:
                removed += _remove_unrecorded(ctx, batch)
                batch = []
        removed += _remove_unrecorded(ctx, batch)
    return removed


def _remove_unrecorded(ctx: ChainsiteContext, keys: list[str]) -> int:
    if not keys:
        return 0
    with ctx.db.transaction() as session:
        recorded = set(session.scalars(select(StoredFile.name).where(StoredFile.name.in_(keys))))
    orphans = [key for key in keys if key not in recorded]
    for key in orphans:
        ctx.storage.delete(key)
    return len(orphans)


def files_of(
    session: Session, user_id: str, *, page: int, limit: int
) -> tuple[int, list[StoredFile]]:
    """How many live files ``user_id`` uploaded, and one page of them, newest first."""
    mine = (StoredFile.uploaded_by == user_id, StoredFile.deleted_at.is_(None))
    count = session.scalar(select(func.count()).select_from(StoredFile).where(*mine)) or 0
    records = session.scalars(
        select(StoredFile)
        .where(*mine)
        .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
        .limit(limit)
        .offset((page - 1) * limit)
    )
    return count, list(records)


def visible_file(session: Session, file_id: str, user_id: str) -> StoredFile:
    """The file ``user_id`` may see (public, or their own private one); 404 otherwise."""
    record = session.get(StoredFile, file_id.lower())
    if record is None or not record.visible_to(user_id):
        raise not_found("File")
    return record


def live_file_named(session: Session, name: str) -> StoredFile:
    """The live (not deleted) file stored under ``name``; 404 otherwise."""
    record = session.scalar(select(StoredFile).where(StoredFile.name == name))
    if record is None or record.deleted_at is not None:
        raise not_found("File")
    return record
