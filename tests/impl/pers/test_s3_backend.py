"""PERS on S3 (moto on loopback): pre-signed PUT and GET URLs, used over real HTTP."""

from __future__ import annotations

import httpx

from contractkit.impl.app import create_app
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.pers.devtokens import issue_development_token
from tests.impl.pers.conftest import BASE
from tests.impl.storage.moto_s3 import MotoS3


async def test_presigned_put_then_get_on_s3(
    s3_settings: tuple[Settings, str], database: Database, moto_s3: MotoS3
) -> None:
    settings, bucket = s3_settings
    app = create_app(["pers"], settings=settings, database=database)
    token = issue_development_token(settings, tenant="acme")
    headers = {"Authorization": f"Bearer {token}"}
    fields = {"entityType": "user", "entityId": "u-1", "fileExtension": "pdf", "fileName": "cv"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        put = (
            await client.post(
                "/files/entity-storage-url",
                json={**fields, "signedUrlType": "PUT"},
                headers=headers,
            )
        ).json()["signedUrl"]
        get = (
            await client.post(
                "/files/entity-storage-url",
                json={**fields, "signedUrlType": "GET"},
                headers=headers,
            )
        ).json()["signedUrl"]
        assert put.startswith(f"{moto_s3.endpoint}/{bucket}/pers/acme/user/u-1/cv.pdf?")
        assert "X-Amz-Expires=300" in put and "X-Amz-Expires=300" in get
        assert httpx.put(put, content=b"%PDF-1.4 cv").status_code == 200
        assert moto_s3.keys(bucket) == ["pers/acme/user/u-1/cv.pdf"]
        answer = httpx.get(get)
        assert (answer.status_code, answer.content) == (200, b"%PDF-1.4 cv")
        assert answer.headers["content-type"] == "application/pdf"
        # The API's own storage route does not serve S3-backed files.
        own = f"{BASE}/files/storage/acme/user/u-1/cv.pdf?expires=1&signature=x"
        assert (await client.get(own)).status_code == 404
