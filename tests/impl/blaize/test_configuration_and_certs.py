"""Tenant configuration, and the tenant's TLS certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from contractkit.impl.blaize.identity.certificates import decrypt_private_key
from contractkit.impl.blaize.identity.models import Cert
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import MASTER_KEY, Admin


def make_pair(name: str = "company.com") -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


async def test_configuration_is_merged(client: httpx.AsyncClient, admin: Admin) -> None:
    first = await client.post(
        "/v3/configuration",
        json={"cdn.origin": "https://a.example", "aws.region": "eu-west-1"},
        headers=admin.headers,
    )
    assert first.status_code == 200
    second = await client.post(
        "/v3/configuration", json={"cdn.origin": "https://b.example"}, headers=admin.headers
    )
    assert second.json() == {
        "authentication.password.requireEmailVerfication": "false",
        "aws.region": "eu-west-1",
        "cdn.origin": "https://b.example",
    }
    assert (await client.get("/v3/configuration", headers=admin.headers)).json() == second.json()
    bad = await client.post("/v3/configuration", json={"redis.port": 6379}, headers=admin.headers)
    assert bad.status_code == 400
    assert (await client.get("/v3/configuration", headers=admin.headers)).json() == second.json()


async def test_cert_is_checked_stored_encrypted_and_deleted(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    cert_pem, key_pem = make_pair()
    body = {"label": "company.com", "cert": cert_pem, "private_key": key_pem}
    created = await client.post("/v3/certs", json=body, headers=admin.headers)
    assert created.status_code == 201
    assert "PRIVATE" not in created.text
    with database.transaction() as session:
        stored = session.get(Cert, admin.tenant)
        assert stored is not None
        assert "PRIVATE" not in stored.encrypted_private_key
        assert (
            decrypt_private_key(MASTER_KEY, stored.encrypted_private_key, admin.tenant) == key_pem
        )
    replaced = await client.post(
        "/v3/certs", json={**body, "label": "www.company.com"}, headers=admin.headers
    )
    assert replaced.status_code == 201
    assert (await client.delete("/v3/certs", headers=admin.headers)).status_code == 200
    assert (await client.delete("/v3/certs", headers=admin.headers)).status_code == 404


async def test_cert_and_key_must_parse_and_match(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    cert_pem, _ = make_pair()
    _, other_key = make_pair()
    cases = (
        {"label": "a", "cert": "cert...", "private_key": "private_key..."},
        {"label": "a", "cert": cert_pem, "private_key": "private_key..."},
        {"label": "a", "cert": cert_pem, "private_key": other_key},
    )
    for body in cases:
        response = await client.post("/v3/certs", json=body, headers=admin.headers)
        assert response.status_code == 409, response.text
    with database.transaction() as session:
        assert session.get(Cert, admin.tenant) is None
