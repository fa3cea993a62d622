"""Chainsite uploads on the default local storage, through HTTP."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from contractkit.impl.chainsite.models import StoredFile
from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.storage.config import url_signer
from tests.impl.chainsite.conftest import BASE, PNG, User, stored_files

NAME = re.compile(r"^(public|private)/([0-9a-f]{24})/[0-9a-f-]{36}\.([a-z0-9]+)$")


async def upload(
    client: httpx.AsyncClient,
    user: User,
    content: bytes,
    file_name: str = "80:20 rule.png",
    private: bool = False,
    claimed_type: str = "application/octet-stream",
) -> httpx.Response:
    path = "/v1/upload/private" if private else "/v1/upload"
    return await client.post(
        path, headers=user.headers, files={"file": (file_name, content, claimed_type)}
    )


async def test_round_trip_upload_list_details_and_signed_download(
    client: httpx.AsyncClient, alice: User
) -> None:
    answer = await upload(client, alice, PNG, claimed_type="text/plain")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"]) == ("success", "file Uploaded Successfully")
    record = body["data"]
    match = NAME.match(record["name"])
    assert match and match.groups() == ("public", alice.id, "png")
    assert record["type"] == "image/png"  # from the bytes, not the claimed text/plain
    assert record["size"] == str(len(PNG))
    assert record["uploaded_by"] == alice.id
    assert record["meta"] == {"originalName": "80:20 rule.png"}
    assert (record["status"], record["deletedAt"], record["__v"]) == (True, None, 0)
    assert record["bucket"] == "storage"
    assert record["url"] == f"{BASE}/storage/{record['name']}"

    listed = (await client.get("/v1/upload", headers=alice.headers)).json()
    assert listed["message"] == "OK"
    assert listed["data"]["count"] == 1
    assert listed["data"]["data"] == [record]
    details = (await client.get(f"/v1/upload/{record['_id']}", headers=alice.headers)).json()
    assert (details["message"], details["data"]) == ("Success", record)

    signed = (await client.get(f"/v1/upload/url/{record['_id']}", headers=alice.headers)).json()
    assert signed["data"].startswith(f"{record['url']}?expires=")
    download = await client.get(signed["data"])
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    public = await client.get(record["url"])
    assert (public.status_code, public.content) == (200, PNG)


async def test_private_files_are_for_their_owner_only(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    record = (await upload(client, alice, b"secret notes", "notes.txt", private=True)).json()[
        "data"
    ]
    assert NAME.match(record["name"]).groups() == ("private", alice.id, "txt")  # type: ignore[union-attr]
    for path in (f"/v1/upload/{record['_id']}", f"/v1/upload/url/{record['_id']}"):
        refused = await client.get(path, headers=bob.headers)
        assert refused.status_code == 404
        assert refused.json() == {
            "status": "error",
            "message": "File not found",
            "data": {"code": "not_found"},
        }
        assert (await client.get(path, headers=alice.headers)).status_code == 200
    assert (await client.get("/v1/upload", headers=bob.headers)).json()["data"] == {
        "count": 0,
        "pages": 0,
        "data": [],
    }
    unsigned = await client.get(record["url"])
    assert unsigned.status_code == 403
    assert unsigned.json()["data"]["code"] == "invalid_signature"
    signed = (await client.get(f"/v1/upload/url/{record['_id']}", headers=alice.headers)).json()
    assert (await client.get(signed["data"])).content == b"secret notes"


async def test_other_users_see_public_files_but_do_not_list_them(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    record = (await upload(client, alice, PNG)).json()["data"]
    assert (await client.get(f"/v1/upload/{record['_id']}", headers=bob.headers)).status_code == 200
    assert (
        await client.get(f"/v1/upload/url/{record['_id']}", headers=bob.headers)
    ).status_code == 200
    assert (await client.get("/v1/upload", headers=bob.headers)).json()["data"]["count"] == 0


async def test_tampered_and_expired_signatures_get_403(
    client: httpx.AsyncClient, alice: User, settings: Settings
) -> None:
    record = (await upload(client, alice, b"private text", "a.txt", private=True)).json()["data"]
    url = httpx.URL(
        (await client.get(f"/v1/upload/url/{record['_id']}", headers=alice.headers)).json()["data"]
    )
    expires, signature = int(url.params["expires"]), url.params["signature"]
    tampered = [
        url.copy_set_param("signature", signature[:-1] + ("A" if signature[-1] != "A" else "B")),
        url.copy_set_param("expires", str(expires + 3600)),
        url.copy_remove_param("signature"),
        url.copy_remove_param("expires"),
    ]
    signer = url_signer(settings)
    past = int(time.time()) - 10
    expired = url.copy_merge_params(
        {"expires": str(past), "signature": signer.signature("GET", record["name"], past)}
    )
    for bad in [*tampered, expired]:
        answer = await client.get(bad)
        assert answer.status_code == 403, bad
        assert answer.json()["status"] == "error"
    assert (await client.get(url)).status_code == 200


async def test_listing_is_paginated_newest_first(client: httpx.AsyncClient, alice: User) -> None:
    names = []
    for index in range(3):
        names.append((await upload(client, alice, f"file {index}".encode(), f"{index}.txt")).json())
    page = (
        await client.get("/v1/upload", params={"page": 1, "limit": 2}, headers=alice.headers)
    ).json()
    assert (page["data"]["count"], page["data"]["pages"]) == (3, 2)
    second = await client.get(
        "/v1/upload", params={"page": 2, "limit": 2, "coinName": "GOGOPOOL"}, headers=alice.headers
    )
    everything = page["data"]["data"] + second.json()["data"]["data"]
    assert sorted(item["_id"] for item in everything) == sorted(n["data"]["_id"] for n in names)
    assert len(everything) == 3
    beyond = (await client.get("/v1/upload", params={"page": 9}, headers=alice.headers)).json()
    assert beyond["data"] == {"count": 3, "pages": 1, "data": []}


async def test_the_trailing_slash_list_path_redirects(
    client: httpx.AsyncClient, alice: User
) -> None:
    answer = await client.get("/v1/upload/", headers=alice.headers)
    assert answer.status_code == 307
    assert answer.headers["location"].endswith("/chainsite/v1/upload")


async def test_bad_uploads_leave_nothing_behind(
    client: httpx.AsyncClient, alice: User, storage_root: Path, database: Database
) -> None:
    cases = [
        ({"file": ("empty.png", b"", "image/png")}, 400, "file"),
        ({"file": ("../../etc/passwd", b"root:x:0:0", "text/plain")}, 400, "file"),
        ({"file": ("folder/name.txt", b"text", "text/plain")}, 400, "file"),
        ({"file": ("back\\slash.txt", b"text", "text/plain")}, 400, "file"),
        ({"file": ("", b"text", "text/plain")}, 400, "file"),
        ({"other": ("x.txt", b"text", "text/plain")}, 400, "file"),
        ({"file": (None, b"a plain form field")}, 400, "file"),
        (
            {"file": ("page.png", b"<!DOCTYPE html><script>alert(1)</script>", "image/png")},
            415,
            None,
        ),
        ({"file": ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "image/png")}, 415, None),
        ({"file": ("big.png", PNG + b"\x00" * (64 * 1024), "image/png")}, 413, None),
        ({"file": ("huge.bin", b"\x00" * (512 * 1024), "image/png")}, 413, None),
    ]
    for files, status, field in cases:
        answer = await client.post("/v1/upload", headers=alice.headers, files=files)
        assert answer.status_code == status, (files, answer.text)
        body = answer.json()
        assert body["status"] == "error" and body["message"]
        if field:
            assert field in body["data"]["fields"], body
    plain = await client.post("/v1/upload", headers=alice.headers, data={"file": "not a file"})
    assert plain.status_code == 415
    no_body = await client.post(
        "/v1/upload", headers={**alice.headers, "Content-Type": "multipart/form-data; boundary=x"}
    )
    assert no_body.status_code == 400
    assert stored_files(storage_root) == []
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 0


async def test_unknown_and_malformed_ids(client: httpx.AsyncClient, alice: User) -> None:
    for path in ("/v1/upload/{}", "/v1/upload/url/{}"):
        missing = await client.get(path.format("0" * 24), headers=alice.headers)
        assert missing.status_code == 404
        for malformed in ("123", "z" * 24, "0" * 25):
            answer = await client.get(path.format(malformed), headers=alice.headers)
            assert answer.status_code == 400
            assert answer.json()["data"]["fields"]["id"]
    for name in ("public/none.png", "public/../../secrets/x", "private%2F..%2Fx"):
        assert (await client.get(f"/storage/{name}")).status_code == 404


async def test_tokens_are_required_and_checked(
    client: httpx.AsyncClient, settings: Settings, alice: User
) -> None:
    from contractkit.impl.chainsite.settings import load_chainsite_settings
    from contractkit.impl.chainsite.tokens import TokenService

    service = TokenService(load_chainsite_settings(settings))
    expired = service.issue(alice.id, ttl_seconds=-10)
    forged = alice.token[:-2] + ("AA" if not alice.token.endswith("AA") else "BB")
    not_an_id = service.issue("not-a-user-id")
    for headers in (
        {},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {not_an_id}"},
        {"Authorization": "Basic abc"},
    ):
        answer = await client.get("/v1/upload", headers=headers)
        assert answer.status_code == 401
        assert answer.json() == {
            "status": "error",
            "message": "unauthorized user",
            "data": {"code": "invalid_token"},
        }


async def test_a_static_path_is_not_shadowed_by_a_template(
    client: httpx.AsyncClient, alice: User
) -> None:
    response = await client.get("/v1/upload/private", headers=alice.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["status"] == "error"
