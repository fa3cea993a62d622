"""Objects left without a record by an upload cut off half-way are removed; others stay."""

from __future__ import annotations

from pathlib import Path

import httpx

from contractkit.impl.chainsite import DEFINITION
from contractkit.impl.chainsite.services.files import remove_orphans
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from tests.impl.chainsite.conftest import PNG, User, stored_files
from tests.impl.chainsite.test_files import upload


async def test_objects_without_a_record_are_swept_once_stale(
    client: httpx.AsyncClient,
    alice: User,
    settings: Settings,
    database: Database,
    storage_root: Path,
) -> None:
    kept = await upload(client, alice, PNG)
    assert kept.status_code == 200, kept.text
    ctx = DEFINITION.build_context(settings, database)
    # The bytes of an upload whose process died before its record was written.
    orphan = f"private/{alice.id}/0000-orphan.png"
    with ctx.storage.writer(orphan, "image/png") as writer:
        writer.write(PNG)
        writer.commit()
    before = stored_files(storage_root)
    assert len(before) == 2

    assert remove_orphans(ctx, 3600) == 0  # young: its record may be on its way
    assert remove_orphans(ctx, 0) == 1
    after = stored_files(storage_root)
    assert after == [name for name in before if "orphan" not in name]
    details = await client.get(f"/v1/upload/{kept.json()['data']['_id']}", headers=alice.headers)
    assert details.status_code == 200
