"""PERS signed URLs for entity files, on the default local storage, through HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from contractkit.impl.config import Settings
from contractkit.impl.pers.devtokens import issue_development_token
from contractkit.impl.storage.config import url_signer
from tests.impl.pers.conftest import BASE, MAX_UPLOAD_BYTES, stored_files

URL_PATH = "/files/entity-storage-url"
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def request_for(method: str, **overrides: str) -> dict[str, str]:
    return {
        "entityType": "token",
        "entityId": "6650c0ffee",
        "signedUrlType": method,
        "fileExtension": "png",
        "fileName": "logo",
        **overrides,
    }


async def signed(client: httpx.AsyncClient, headers: dict[str, str], method: str, **kw: str) -> str:
    answer = await client.post(URL_PATH, json=request_for(method, **kw), headers=headers)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"signedUrl"}
    return answer.json()["signedUrl"]


async def test_a_put_url_stores_what_the_get_url_serves(
    client: httpx.AsyncClient,
    acme_jwt: dict[str, str],
    acme_key: dict[str, str],
    storage_root: Path,
) -> None:
    put = await signed(client, acme_jwt, "PUT")
    assert put.startswith(f"{BASE}/files/storage/acme/token/6650c0ffee/logo.png?expires=")
    stored = await client.put(put, content=LOGO, headers={"Content-Type": "image/png"})
    assert stored.status_code == 200
    # The same fields through the project key (same tenant) name the same file.
    get = await signed(client, acme_key, "GET", fileExtension=".PNG")
    answer = await client.get(get)
    assert (answer.status_code, answer.content) == (200, LOGO)
    assert answer.headers["content-type"] == "image/png"
    assert stored_files(storage_root) == ["pers/acme/token/6650c0ffee/logo.png"]


async def test_without_a_file_name_the_entity_id_names_the_file(
    client: httpx.AsyncClient, acme_jwt: dict[str, str]
) -> None:
    fields = request_for("PUT", entityType="campaign", fileExtension="txt")
    del fields["fileName"]
    answer = await client.post(URL_PATH, json=fields, headers=acme_jwt)
    assert "/files/storage/acme/campaign/6650c0ffee/6650c0ffee.txt?" in answer.json()["signedUrl"]
    assert (await client.put(answer.json()["signedUrl"], content=b"hello")).status_code == 200
    fields["signedUrlType"] = "GET"
    get = (await client.post(URL_PATH, json=fields, headers=acme_jwt)).json()["signedUrl"]
    assert (await client.get(get)).text == "hello"


async def test_tenants_never_reach_each_others_files(
    client: httpx.AsyncClient, acme_jwt: dict[str, str], globex_key: dict[str, str]
) -> None:
    await client.put(await signed(client, acme_jwt, "PUT"), content=b"acme's logo")
    globex_get = await signed(client, globex_key, "GET")
    assert "/files/storage/globex/token/" in globex_get
    assert (await client.get(globex_get)).status_code == 404
    # Rewriting the tenant in a signed URL breaks its signature.
    acme_get = await signed(client, acme_jwt, "GET")
    forged = acme_get.replace("/acme/", "/globex/")
    assert (await client.get(forged)).status_code == 403
    assert (await client.get(acme_get)).content == b"acme's logo"


async def test_signatures_bind_method_key_and_expiry(
    client: httpx.AsyncClient, acme_jwt: dict[str, str], settings: Settings
) -> None:
    put = httpx.URL(await signed(client, acme_jwt, "PUT"))
    assert (await client.put(put, content=b"v1")).status_code == 200
    get = httpx.URL(await signed(client, acme_jwt, "GET"))
    key = get.path.split("/files/storage/", 1)[1]
    signature = get.params["signature"]
    past = int(time.time()) - 5
    bad_urls = [
        put,  # a PUT signature used to GET
        get.copy_set_param("signature", signature[:-1] + ("A" if signature[-1] != "A" else "B")),
        get.copy_set_param("expires", str(int(get.params["expires"]) + 60)),
        get.copy_merge_params(
            {"expires": str(past), "signature": url_signer(settings).signature("GET", key, past)}
        ),
    ]
    for url in bad_urls:
        answer = await client.get(url)
        assert answer.status_code == 403
        assert answer.json()["code"] == "invalid_signature"
    refused = await client.put(get, content=b"overwrite")
    assert refused.status_code == 403
    assert (await client.get(get)).content == b"v1"
    missing = await client.get(get.copy_remove_param("signature"))
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"signature": "Missing query parameter 'signature'"}


async def test_refused_bodies_store_nothing(
    client: httpx.AsyncClient, acme_jwt: dict[str, str], storage_root: Path
) -> None:
    put = await signed(client, acme_jwt, "PUT")
    too_large = await client.put(put, content=b"x" * (MAX_UPLOAD_BYTES + 1))
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "payload_too_large"
    empty = await client.put(put, content=b"")
    assert (empty.status_code, empty.json()["message"]) == (400, "The body is empty")
    assert stored_files(storage_root) == []
    assert (await client.put(put, content=b"x" * MAX_UPLOAD_BYTES)).status_code == 200


BAD_FIELDS = [
    ({"entityType": "page"}, "entityType"),
    ({"signedUrlType": "POST"}, "signedUrlType"),
    ({"entityId": "../other"}, "entityId"),
    ({"entityId": "a/b"}, "entityId"),
    ({"fileName": "../../secrets"}, "fileName"),
    ({"fileName": "dir/name"}, "fileName"),
    ({"fileName": "..hidden"}, "fileName"),
    ({"fileExtension": "tar.gz"}, "fileExtension"),
    ({"fileExtension": "/png"}, "fileExtension"),
]


async def test_bad_requests_are_refused_with_field_messages(
    client: httpx.AsyncClient, acme_jwt: dict[str, str], storage_root: Path
) -> None:
    for overrides, field in BAD_FIELDS:
        answer = await client.post(URL_PATH, json=request_for("PUT", **overrides), headers=acme_jwt)
        assert answer.status_code == 400, overrides
        body = answer.json()
        assert (body["statusCode"], body["error"], body["code"]) == (
            400,
            "Bad Request",
            "invalid_data",
        )
        assert field in body["fields"], body
    assert stored_files(storage_root) == []


async def test_missing_fields_are_listed(
    client: httpx.AsyncClient, acme_jwt: dict[str, str]
) -> None:
    answer = await client.post(URL_PATH, json={}, headers=acme_jwt)
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {
        "entityType",
        "entityId",
        "signedUrlType",
        "fileExtension",
    }


async def test_credentials_are_required_and_checked(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    expired = issue_development_token(settings, tenant="acme", ttl_seconds=-10)
    for headers in (
        {},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": "Bearer not-a-jwt"},
        {"x-project-key": "unknown-project-key-0123456789"},
    ):
        answer = await client.post(URL_PATH, json=request_for("GET"), headers=headers)
        assert answer.status_code == 401
        assert answer.json() == {
            "statusCode": 401,
            "error": "Unauthorized",
            "message": "unauthorized user",
            "code": "invalid_token",
        }
