"""``contractkit serve chainsite`` and ``serve pers`` over real HTTP, on local storage and on S3."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.contractkit.serving import cli, running_server
from tests.impl.storage.moto_s3 import MotoS3, moto_s3

__all__ = ["moto_s3"]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)
ALICE = "680b8f5b03127a4fd7110e38"


Server = tuple[str, dict[str, str]]
ServerFactory = Callable[[str, str], Server]


@pytest.fixture
def serve(tmp_path: Path, moto_s3: MotoS3) -> Iterator[ServerFactory]:
    with ExitStack() as servers:

        def start(api: str, backend: str) -> Server:
            env = {
                "PATH": "/usr/bin:/bin",
                "CONTRACTKIT_DATA_DIR": str(tmp_path / f"{api}-{backend}"),
                "CHAINSITE_JWT_SECRET": "serve-chainsite-secret-long-enough-0123456789",
                "PERS_JWT_SECRET": "serve-pers-secret-long-enough-0123456789abc",
            }
            if backend == "s3":
                env.update(moto_s3.env)
                env["CONTRACTKIT_STORAGE_URL"] = moto_s3.storage_url(moto_s3.new_bucket())
            base_path = "/chainsite" if api == "chainsite" else "/pers/v2"
            return servers.enter_context(running_server(api, env, base_path)), env

        yield start


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_chainsite_round_trip_over_http(serve: ServerFactory, backend: str) -> None:
    base, env = serve("chainsite", backend)
    alice = {"Authorization": "Bearer " + cli(env, "token", "chainsite", "--user-id", ALICE)}
    with httpx.Client(base_url=base, timeout=10) as http:
        uploaded = http.post("/v1/upload", headers=alice, files={"file": ("80:20 rule.png", PNG)})
        assert uploaded.status_code == 200, uploaded.text
        record = uploaded.json()["data"]
        assert record["name"].startswith(f"public/{ALICE}/") and record["type"] == "image/png"
        private = http.post(
            "/v1/upload/private", headers=alice, files={"file": ("notes.txt", b"my notes")}
        ).json()["data"]
        listed = http.get("/v1/upload", params={"limit": 1}, headers=alice).json()["data"]
        assert (listed["count"], listed["pages"], len(listed["data"])) == (2, 2, 1)
        assert http.get(f"/v1/upload/{record['_id']}", headers=alice).json()["data"] == record
        for item, content in ((record, PNG), (private, b"my notes")):
            url = http.get(f"/v1/upload/url/{item['_id']}", headers=alice).json()["data"]
            download = httpx.get(url, timeout=10)
            assert (download.status_code, download.content) == (200, content)
        if backend == "local":
            assert httpx.get(record["url"], timeout=10).content == PNG
            assert httpx.get(private["url"], timeout=10).status_code == 403
        assert http.get("/ui/").status_code == 200


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_pers_round_trip_over_http(serve: ServerFactory, backend: str) -> None:
    base, env = serve("pers", backend)
    if backend == "local":
        credentials = {"Authorization": "Bearer " + cli(env, "token", "pers", "--tenant", "acme")}
    else:
        key = cli(env, "token", "pers", "--tenant", "acme", "--project-key")
        credentials = {"x-project-key": key}
    fields = {"entityType": "campaign", "entityId": "c-42", "fileExtension": "png"}
    with httpx.Client(base_url=base, timeout=10) as http:
        put = http.post(
            "/files/entity-storage-url",
            json={**fields, "signedUrlType": "PUT"},
            headers=credentials,
        )
        assert put.status_code == 200, put.text
        stored = httpx.put(put.json()["signedUrl"], content=PNG, timeout=10)
        assert stored.status_code == 200
        get = http.post(
            "/files/entity-storage-url",
            json={**fields, "signedUrlType": "GET"},
            headers=credentials,
        ).json()["signedUrl"]
        download = httpx.get(get, timeout=10)
        assert (download.status_code, download.content) == (200, PNG)
        assert download.headers["content-type"] == "image/png"
        refused = http.post("/files/entity-storage-url", json={**fields, "signedUrlType": "GET"})
        assert refused.status_code == 401
        assert refused.json()["code"] == "invalid_token"
