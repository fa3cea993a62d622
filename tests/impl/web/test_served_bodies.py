"""Every request ends: odd, slow, truncated, chunked and oversized bodies over a real socket.

One ``contractkit serve all`` process for the module, with small limits: JSON bodies up to
64 KiB, uploads up to 32 KiB, and 2 seconds for each part of a body to arrive.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from contractkit.impl.blaize.devtokens import issue_development_session
from contractkit.impl.chainsite.devtokens import issue_development_token as chainsite_token
from contractkit.impl.config import load_settings
from contractkit.impl.db import Database
from contractkit.impl.pers.devtokens import issue_development_token as pers_token
from tests.impl.served import (
    Served,
    body_of,
    raw_exchange,
    send_and_vanish,
    serve_env,
    status_of,
)

MAX_BODY = 64 * 1024
MAX_UPLOAD = 32 * 1024
BODY_TIMEOUT = 2
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
"""Generous for a loaded machine: the server must answer well before this."""
ANSWER_WITHIN = 30


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served-bodies")
    env = serve_env(
        folder / "data",
        CONTRACTKIT_MAX_BODY_BYTES=str(MAX_BODY),
        CONTRACTKIT_BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
        PERS_MAX_UPLOAD_BYTES=str(MAX_UPLOAD),
        CHAINSITE_MAX_UPLOAD_BYTES=str(MAX_UPLOAD),
    )
    server = Served(env, folder / "server.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def credentials(served: Served) -> dict[str, str]:
    settings = load_settings(served.env)
    db = Database(settings.database_url)
    try:
        blaize = issue_development_session(settings, db, email="admin@example.com")
    finally:
        db.dispose()
    return {
        "pers": pers_token(settings, tenant="acme", role="admin"),
        "chainsite": chainsite_token(settings)[0],
        "blaize": blaize.session_id,
    }


def put_url(served: Served, credentials: dict[str, str], name: str) -> str:
    answer = httpx.post(
        f"{served.origin}/pers/v2/files/entity-storage-url",
        json={
            "entityType": "token",
            "entityId": "6650c0ffee",
            "signedUrlType": "PUT",
            "fileExtension": "png",
            "fileName": name,
        },
        headers={"Authorization": f"Bearer {credentials['pers']}"},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["signedUrl"])


def target(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(*parts: bytes) -> list[bytes]:
    return [b"%x\r\n%s\r\n" % (len(part), part) for part in parts] + [b"0\r\n\r\n"]


def stored(served: Served, name: str) -> bytes:
    path = Path(served.env["CONTRACTKIT_DATA_DIR"]) / "storage/pers/acme/token/6650c0ffee"
    return (path / f"{name}.png").read_bytes()


def incoming(served: Served) -> list[Path]:
    folder = Path(served.env["CONTRACTKIT_DATA_DIR"]) / "storage" / ".incoming"
    return sorted(folder.glob("*.part")) if folder.exists() else []


# PERS signed PUT: the body is the file's bytes, whatever its type.


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain"],
)
def test_a_signed_put_stores_the_bytes_whatever_their_type(
    served: Served, credentials: dict[str, str], content_type: str
) -> None:
    name = content_type.split("/")[1].split(";")[0]
    url = put_url(served, credentials, name)
    answer = httpx.put(url, content=b"abc", headers={"Content-Type": content_type}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert stored(served, name) == b"abc"


def test_a_chunked_signed_put_is_stored(served: Served, credentials: dict[str, str]) -> None:
    url = put_url(served, credentials, "chunked")
    request = head("PUT", target(url), {"Transfer-Encoding": "chunked"})
    answer = raw_exchange(served.port, request, chunked(PNG[:100], PNG[100:]))
    assert status_of(answer) == 200, answer
    assert stored(served, "chunked") == PNG


def test_a_chunked_signed_put_past_its_bound_is_refused_in_the_envelope(
    served: Served, credentials: dict[str, str]
) -> None:
    url = put_url(served, credentials, "huge")
    request = head("PUT", target(url), {"Transfer-Encoding": "chunked"})
    answer = raw_exchange(served.port, request, chunked(*[b"x" * 8192] * 5))
    assert status_of(answer) == 413, answer
    assert json.loads(body_of(answer))["code"] == "payload_too_large"
    assert (
        not (Path(served.env["CONTRACTKIT_DATA_DIR"]) / "storage/pers/acme/token")
        .joinpath("6650c0ffee/huge.png")
        .exists()
    )


def test_a_signed_put_announcing_too_much_is_refused_before_it_is_read(
    served: Served, credentials: dict[str, str]
) -> None:
    url = put_url(served, credentials, "announced")
    request = head("PUT", target(url), {"Content-Length": str(MAX_UPLOAD + 1)})
    answer = raw_exchange(served.port, request)  # not a byte of the body
    assert status_of(answer) == 413, answer


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "image/png", "multipart/form-data"]
)
def test_a_truncated_signed_put_is_answered_and_leaves_nothing(
    served: Served, credentials: dict[str, str], content_type: str
) -> None:
    url = put_url(served, credentials, "truncated")
    request = head("PUT", target(url), {"Content-Length": "1000", "Content-Type": content_type})
    answer = raw_exchange(served.port, request, [b"x" * 10])
    assert status_of(answer) == 408, answer
    assert json.loads(body_of(answer))["code"] == "request_timeout"
    assert incoming(served) == []


def test_a_signed_put_cut_off_by_the_client_leaves_nothing(
    served: Served, credentials: dict[str, str]
) -> None:
    url = put_url(served, credentials, "cut")
    request = head("PUT", target(url), {"Content-Length": "100000"})
    send_and_vanish(served.port, request, [b"x" * 1000])
    deadline = time.monotonic() + ANSWER_WITHIN
    while incoming(served) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert incoming(served) == []
    # The server goes on answering.
    assert httpx.get(f"{served.origin}/peerly/openapi.json").status_code == 200


# Chainsite uploads: multipart only; anything else is answered, not waited for.


def multipart(boundary: str = "b0undary") -> tuple[bytes, str]:
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_chunked_multipart_upload_is_stored(served: Served, credentials: dict[str, str]) -> None:
    body, content_type = multipart()
    request = head(
        "POST",
        "/chainsite/v1/upload",
        {
            "Authorization": f"Bearer {credentials['chainsite']}",
            "Content-Type": content_type,
            "Transfer-Encoding": "chunked",
        },
    )
    answer = raw_exchange(served.port, request, chunked(body[:300], body[300:]))
    assert status_of(answer) == 200, answer
    assert json.loads(body_of(answer))["data"]["size"] == str(len(PNG))


@pytest.mark.parametrize(
    ("content_type", "status"),
    [("application/x-www-form-urlencoded", 415), ("application/octet-stream", 415)],
)
def test_a_chainsite_upload_of_another_type_is_refused(
    served: Served, credentials: dict[str, str], content_type: str, status: int
) -> None:
    answer = httpx.post(
        f"{served.origin}/chainsite/v1/upload",
        content=b"file=abc",
        headers={
            "Authorization": f"Bearer {credentials['chainsite']}",
            "Content-Type": content_type,
        },
        timeout=30,
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["status"] == "error"


def test_a_truncated_chainsite_upload_is_answered(
    served: Served, credentials: dict[str, str]
) -> None:
    body, content_type = multipart()
    request = head(
        "POST",
        "/chainsite/v1/upload",
        {
            "Authorization": f"Bearer {credentials['chainsite']}",
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
        },
    )
    answer = raw_exchange(served.port, request, [body[:200]])
    assert status_of(answer) == 408, answer
    assert json.loads(body_of(answer))["data"]["code"] == "request_timeout"


# Blaize static items (JSON): chunked, oversized, deep, truncated, of another type.


def blaize_head(credentials: dict[str, str], **headers: str) -> bytes:
    return head(
        "PUT",
        "/blaize/v3/static/banner",
        {"blaize-admin-session": credentials["blaize"], **headers},
    )


def test_a_chunked_json_body_is_read_and_validated(
    served: Served, credentials: dict[str, str]
) -> None:
    request = blaize_head(
        credentials, **{"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    )
    answer = raw_exchange(served.port, request, chunked(b'{"item": ', b'"hello"}'))
    assert status_of(answer) in (200, 201), answer
    invalid = raw_exchange(served.port, request, chunked(b'{"item": ', b"42}"))
    assert status_of(invalid) == 400, invalid
    empty = raw_exchange(served.port, request, chunked())
    assert status_of(empty) == 400, empty


def test_an_oversized_json_body_is_refused_before_it_is_read(
    served: Served, credentials: dict[str, str]
) -> None:
    request = blaize_head(
        credentials,
        **{"Content-Type": "application/json", "Content-Length": str(200 * 1024 * 1024)},
    )
    answer = raw_exchange(served.port, request)
    assert status_of(answer) == 413, answer
    assert "payload_too_large" in body_of(answer).decode()


def test_an_oversized_chunked_json_body_is_refused(
    served: Served, credentials: dict[str, str]
) -> None:
    request = blaize_head(
        credentials, **{"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    )
    parts = [b'{"item": "'] + [b"x" * 16384] * 8 + [b'"}']
    answer = raw_exchange(served.port, request, chunked(*parts))
    assert status_of(answer) == 413, answer


@pytest.mark.parametrize("api", ["peerly", "pers", "chainsite", "blaize"])
def test_deeply_nested_json_is_answered_in_each_envelope_never_500(
    served: Served, credentials: dict[str, str], api: str
) -> None:
    deep = b"[" * 20000 + b"]" * 20000
    routes = {
        "peerly": ("POST", "/peerly/oauth/google", {}),
        "pers": (
            "POST",
            "/pers/v2/files/entity-storage-url",
            {"Authorization": "Bearer " + credentials["pers"]},
        ),
        # Chainsite takes no JSON body anywhere: 415, before anything is parsed.
        "chainsite": (
            "POST",
            "/chainsite/v1/upload",
            {"Authorization": "Bearer " + credentials["chainsite"]},
        ),
        "blaize": (
            "PUT",
            "/blaize/v3/static/banner",
            {"blaize-admin-session": credentials["blaize"]},
        ),
    }
    method, path, headers = routes[api]
    answer = httpx.request(
        method,
        f"{served.origin}{path}",
        content=deep,
        headers={**headers, "Content-Type": "application/json"},
        timeout=30,
    )
    assert "Traceback" not in answer.text
    if api == "chainsite":
        assert answer.status_code == 415, answer.text
        assert answer.json()["status"] == "error"
    else:
        assert answer.status_code == 400, answer.text
        assert "nested deeper than 100 levels" in answer.text


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_a_json_route_answers_other_types_at_once(
    served: Served, credentials: dict[str, str], content_type: str
) -> None:
    answer = httpx.put(
        f"{served.origin}/blaize/v3/static/banner",
        content=b"item=abc",
        headers={"blaize-admin-session": credentials["blaize"], "Content-Type": content_type},
        timeout=30,
    )
    assert answer.status_code == 415, answer.text


def test_a_slow_json_body_is_answered_408(served: Served, credentials: dict[str, str]) -> None:
    request = blaize_head(
        credentials, **{"Content-Type": "application/json", "Content-Length": "100"}
    )
    answer = raw_exchange(served.port, request, [b'{"item": '])
    assert status_of(answer) == 408, answer


def test_a_client_sending_nothing_holds_no_request(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=ANSWER_WITHIN) as sock:
        sock.sendall(b"POST /peerly/core_values HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
        answer = sock.recv(65536)
    assert status_of(answer) in (401, 408), answer
