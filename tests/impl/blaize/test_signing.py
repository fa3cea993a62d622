"""The keypair signature's pieces, as pure functions."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from contractkit.impl.blaize.identity import signing


def test_header_round_trip() -> None:
    header = signing.authorization_header(
        "BKABC", "secret", method="get", path="/v3/x", timestamp_ms=1700000000000, nonce="n" * 16
    )
    parsed = signing.parse_authorization(header)
    assert (parsed.access_key, parsed.timestamp_ms, parsed.nonce) == (
        "BKABC",
        1700000000000,
        "n" * 16,
    )
    canonical = "\n".join(
        ["GET", "/v3/x", "", hashlib.sha256(b"").hexdigest(), "1700000000000", "n" * 16]
    )
    assert parsed.signature == hmac.new(b"secret", canonical.encode(), "sha256").hexdigest()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "BLAIZE-HMAC-SHA256",
        "BLAIZE-HMAC-SHA256 access_key=A, timestamp=1, nonce=" + "n" * 16,
        "BLAIZE-HMAC-SHA256 access_key=A, timestamp=1, nonce=short, signature=" + "a" * 64,
        "BLAIZE-HMAC-SHA256 access_key=A, timestamp=x, nonce="
        + "n" * 16
        + ", signature="
        + "a" * 64,
        "BLAIZE-HMAC-SHA256 access_key=A, access_key=B, timestamp=1, nonce="
        + "n" * 16
        + ", signature="
        + "a" * 64,
        "BLAIZE-HMAC-SHA256 access_key=A, timestamp=1, nonce="
        + "n" * 16
        + ", signature="
        + "A" * 64,
        "BLAIZE-HMAC-SHA256 access_key=A, timestamp=1, nonce="
        + "n" * 16
        + ", signature="
        + "a" * 64
        + ", extra=1",
    ],
)
def test_malformed_headers_are_rejected(header: str) -> None:
    with pytest.raises(signing.MalformedSignature):
        signing.parse_authorization(header)


def test_canonical_query_sorts_and_reencodes() -> None:
    assert signing.canonical_query("") == ""
    assert signing.canonical_query("b=2&a=3&a=1") == "a=1&a=3&b=2"
    # Equivalent spellings sign the same: '+' is a space, '~' needs no escaping, hex is upper.
    assert signing.canonical_query("q=a+b%7e&flag") == "flag=&q=a%20b~"
    assert signing.canonical_query("name=%c3%a9") == "name=%C3%A9"
    assert signing.canonical_query("x=a%2Fb&y=/") == "x=a%2Fb&y=%2F"


def test_secret_keys_are_derived_per_keypair() -> None:
    one = signing.derive_secret_key("master", "BKONE", "00" * 16)
    assert one == signing.derive_secret_key("master", "BKONE", "00" * 16)
    assert one != signing.derive_secret_key("master", "BKTWO", "00" * 16)
    assert one != signing.derive_secret_key("master", "BKONE", "11" * 16)
    assert one != signing.derive_secret_key("other master", "BKONE", "00" * 16)
    assert len(one) == 43


def test_signatures_compare_exactly() -> None:
    assert signing.signatures_match("ab" * 32, "ab" * 32)
    assert not signing.signatures_match("ab" * 32, "ab" * 31 + "ac")
