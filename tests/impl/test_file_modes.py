"""The data the server writes is private to its user: the SQLite file, secrets, stored files."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx

from contractkit.impl.app import create_app
from contractkit.impl.config import load_settings
from contractkit.impl.db import Database
from contractkit.impl.pers.devtokens import issue_development_token


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_data_files_and_folders_are_created_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = load_settings({"CONTRACTKIT_DATA_DIR": str(data)})  # SQLite, local storage
    database = Database(settings.database_url)
    try:
        app = create_app(["pers"], settings=settings, database=database)
        token = issue_development_token(settings, tenant="acme")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            signed = await client.post(
                "/pers/v2/files/entity-storage-url",
                json={
                    "entityType": "token",
                    "entityId": "1",
                    "signedUrlType": "PUT",
                    "fileExtension": "txt",
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert signed.status_code == 200, signed.text
            stored = await client.put(signed.json()["signedUrl"], content=b"hello")
            assert stored.status_code == 200, stored.text
    finally:
        database.dispose()

    assert mode(data) == 0o700
    assert mode(data / "contractkit.db") == 0o600
    assert mode(data / "secrets") == 0o700
    assert {mode(secret) for secret in (data / "secrets").iterdir()} == {0o600}
    storage = data / "storage"
    assert mode(storage) == 0o700
    assert mode(storage / ".incoming") == 0o700
    [stored_file] = [path for path in storage.rglob("*.txt")]
    assert mode(stored_file) == 0o600
    # SQLite runs in WAL mode; its side files take the database file's mode.
    for side in data.glob("contractkit.db-*"):
        assert mode(side) == 0o600, side
