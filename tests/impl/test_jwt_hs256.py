"""Verified tokens are remembered, never beyond their time claims."""

from __future__ import annotations

import time

import jwt
import pytest

from contractkit.impl.jwt_hs256 import HS256Tokens, VerifiedTokens

SECRET = "a-test-secret-of-at-least-thirty-two-bytes"


def test_a_remembered_token_is_refused_the_moment_it_expires() -> None:
    tokens = HS256Tokens(SECRET, "issuer", ttl_seconds=1, audience="aud")
    token = tokens.issue({"sub": "1"})
    assert tokens.decode(token, required=["sub"])["sub"] == "1"
    assert tokens.decode(token, required=["sub"])["sub"] == "1"  # remembered
    time.sleep(1.2)
    with pytest.raises(jwt.ExpiredSignatureError):
        tokens.decode(token, required=["sub"])


def test_a_token_is_remembered_only_once_verified() -> None:
    tokens = HS256Tokens(SECRET, "issuer", ttl_seconds=60)
    forged = jwt.encode(
        {"iss": "issuer", "iat": int(time.time()), "exp": int(time.time()) + 60, "sub": "1"},
        "another-secret-of-at-least-thirty-two-bytes",
        algorithm="HS256",
    )
    for _ in range(2):
        with pytest.raises(jwt.InvalidSignatureError):
            tokens.decode(forged, required=["sub"])
    token = tokens.issue({"sub": "1"})
    tokens.decode(token, required=["sub"])
    with pytest.raises(jwt.MissingRequiredClaimError):  # other required claims: checked anew
        tokens.decode(token, required=["sub", "jti"])


def test_claims_handed_out_are_copies_and_the_memory_is_bounded() -> None:
    verified = VerifiedTokens(capacity=2)
    claims = {"exp": time.time() + 60, "sub": "1"}
    for token in ("a", "b", "c"):
        verified.add(token, (), claims)
    assert verified.get("a", ()) is None  # the oldest was forgotten
    handed = verified.get("c", ())
    assert handed == claims
    handed["sub"] = "changed"
    assert verified.get("c", ()) == claims
