"""Chainsite on S3 (moto on loopback): the same round trip, with S3 pre-signed URLs."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from contractkit.impl.app import create_app
from contractkit.impl.chainsite.models import StoredFile
from contractkit.impl.config import load_settings
from contractkit.impl.db import Database
from tests.impl.chainsite.conftest import BASE, PNG, UserFactory
from tests.impl.storage.moto_s3 import MotoS3


@pytest.fixture
async def s3_client(s3_env, database: Database):  # type: ignore[no-untyped-def]
    env, bucket = s3_env
    app = create_app(["chainsite"], settings=load_settings(env), database=database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        yield c, bucket


async def test_round_trip_on_s3(s3_client, user_factory: UserFactory, moto_s3: MotoS3) -> None:  # type: ignore[no-untyped-def]
    client, bucket = s3_client
    alice, bob = user_factory(), user_factory()
    answer = await client.post(
        "/v1/upload", headers=alice.headers, files={"file": ("pic.png", PNG, "image/png")}
    )
    assert answer.status_code == 200, answer.text
    record = answer.json()["data"]
    assert record["bucket"] == bucket
    assert moto_s3.keys(bucket) == [record["name"]]  # CHAINSITE_STORAGE_URL: no prefix
    assert record["url"] == f"{moto_s3.endpoint}/{bucket}/{record['name']}"
    listed = (await client.get("/v1/upload", headers=alice.headers)).json()["data"]
    assert listed["data"] == [record]
    details = (await client.get(f"/v1/upload/{record['_id']}", headers=alice.headers)).json()
    assert details["data"] == record

    signed = (await client.get(f"/v1/upload/url/{record['_id']}", headers=alice.headers)).json()
    assert "X-Amz-Expires=300" in signed["data"] and "X-Amz-Signature=" in signed["data"]
    download = httpx.get(signed["data"])  # over real HTTP, from the S3 server
    assert (download.status_code, download.content) == (200, PNG)
    assert download.headers["content-type"] == "image/png"

    private = await client.post(
        "/v1/upload/private",
        headers=alice.headers,
        files={"file": ("n.txt", b"mine", "text/plain")},
    )
    private_id = private.json()["data"]["_id"]
    assert (
        await client.get(f"/v1/upload/url/{private_id}", headers=bob.headers)
    ).status_code == 404
    signed_private = (
        await client.get(f"/v1/upload/url/{private_id}", headers=alice.headers)
    ).json()
    assert httpx.get(signed_private["data"]).content == b"mine"
    # The API's own storage route does not serve S3-backed files.
    assert (await client.get(f"/storage/{record['name']}")).status_code == 404


async def test_refused_uploads_leave_nothing_in_the_bucket(  # type: ignore[no-untyped-def]
    s3_client, user_factory: UserFactory, moto_s3: MotoS3, database: Database
) -> None:
    client, bucket = s3_client
    alice = user_factory()
    for content, status in ((b"", 400), (b"<html>", 415), (b"\x00" * (65 * 1024), 413)):
        answer = await client.post(
            "/v1/upload", headers=alice.headers, files={"file": ("f.png", content, "image/png")}
        )
        assert answer.status_code == status
    assert moto_s3.keys(bucket) == []
    assert moto_s3.pending_uploads(bucket) == []
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
