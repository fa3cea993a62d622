"""Signed URLs of the local storage, and the rules every object key follows."""

from __future__ import annotations

import pytest

from contractkit.impl.storage.base import InvalidKey, check_key
from contractkit.impl.storage.signing import UrlSigner

NOW = 1_800_000_000
KEY = "private/680b8f5b03127a4fd7110e38/d4a6e766.png"


@pytest.fixture
def signer() -> UrlSigner:
    return UrlSigner("a-signing-secret-that-is-long-enough-0123456789")


def test_a_fresh_signature_is_accepted(signer: UrlSigner) -> None:
    expires = signer.expiry(300, now=NOW)
    assert expires == NOW + 300
    signature = signer.signature("GET", KEY, expires)
    assert signer.is_valid("GET", KEY, expires, signature, now=NOW)
    assert signer.is_valid("GET", KEY, expires, signature, now=NOW + 300)


@pytest.mark.parametrize(
    ("method", "key", "expires_delta", "tamper"),
    [
        ("PUT", KEY, 0, False),  # signed for GET, used for PUT
        ("GET", KEY + "x", 0, False),  # another object
        ("GET", KEY, 1, False),  # expiry moved
        ("GET", KEY, 0, True),  # signature edited
    ],
)
def test_anything_changed_is_refused(
    signer: UrlSigner, method: str, key: str, expires_delta: int, tamper: bool
) -> None:
    expires = NOW + 300
    signature = signer.signature("GET", KEY, expires)
    if tamper:
        signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert not signer.is_valid(method, key, expires + expires_delta, signature, now=NOW)


def test_expired_missing_and_foreign_signatures_are_refused(signer: UrlSigner) -> None:
    expires = NOW - 1
    signature = signer.signature("GET", KEY, expires)
    assert not signer.is_valid("GET", KEY, expires, signature, now=NOW)
    assert not signer.is_valid("GET", KEY, None, signature, now=NOW)
    assert not signer.is_valid("GET", KEY, NOW + 5, None, now=NOW)
    other = UrlSigner("another-secret-that-is-also-long-enough-987654321")
    assert not signer.is_valid("GET", KEY, NOW + 5, other.signature("GET", KEY, NOW + 5), now=NOW)
    assert not signer.is_valid("GET", KEY, NOW + 5, "ünïcode", now=NOW)


@pytest.mark.parametrize(
    "key", ["public/u/a.png", "acme/token/6650/logo.png", "a", "a..b/c", "x/.hidden"]
)
def test_relative_keys_are_accepted(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/abs",
        "trailing/",
        "a//b",
        "../up",
        "a/../b",
        "a/./b",
        ".",
        "..",
        "a\\b",
        "nul\x00",
        "x" * 901,
    ],
)
def test_keys_that_could_escape_or_break_are_refused(key: str) -> None:
    with pytest.raises(InvalidKey):
        check_key(key)
