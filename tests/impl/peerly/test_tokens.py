"""Unit tests of token issuing and verification."""

from __future__ import annotations

import time

import jwt
import pytest

from contractkit.impl.peerly.settings import load_peerly_settings
from contractkit.impl.peerly.tokens import NAMESPACE, InvalidToken, TokenService


@pytest.fixture
def service(settings) -> TokenService:
    return TokenService(load_peerly_settings(settings))


def test_issued_tokens_verify_and_carry_the_namespaced_claims(service) -> None:
    token = service.issue(user_id=4, role_id=2, org_id=9, org_name="Acme")
    claims = service.verify(token)
    assert (claims.user_id, claims.role_id, claims.org_id, claims.org_name) == (4, 2, 9, "Acme")
    assert len(claims.jti) == 32


@pytest.mark.parametrize(
    "change",
    [
        lambda now: {"iss": "someone.else"},
        lambda now: {"aud": "other.example"},
        lambda now: {"exp": now - 5},
        lambda now: {"nbf": now + 600},
    ],
    ids=["issuer", "audience", "expired", "not-yet-valid"],
)
def test_tampered_claims_are_refused(service, settings, change) -> None:
    secret = load_peerly_settings(settings).jwt_secret
    claims = jwt.decode(
        service.issue(user_id=1, role_id=1, org_id=1, org_name="A"),
        options={"verify_signature": False},
    )
    token = jwt.encode({**claims, **change(int(time.time()))}, secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        service.verify(token)


def test_missing_claims_wrong_key_and_alg_none_are_refused(service, settings) -> None:
    secret = load_peerly_settings(settings).jwt_secret
    claims = jwt.decode(
        service.issue(user_id=1, role_id=1, org_id=1, org_name="A"),
        options={"verify_signature": False},
    )
    without_jti = {k: v for k, v in claims.items() if k != "jti"}
    for token in (
        jwt.encode(without_jti, secret, algorithm="HS256"),
        jwt.encode(
            {k: v for k, v in claims.items() if k != NAMESPACE},
            secret,
            algorithm="HS256",
        ),
        jwt.encode(claims, "another-secret-of-sufficient-length-123456", algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
        "not.a.jwt",
    ):
        with pytest.raises(InvalidToken):
            service.verify(token)
