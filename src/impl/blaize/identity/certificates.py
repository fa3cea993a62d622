"""PEM certificates and private keys: parsing, matching, and encryption at rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from contractkit.impl.blaize.identity.sealing import seal, unseal


class CertificateRejected(ValueError):
    """The certificate or key does not parse, or they do not belong together."""


@dataclass(frozen=True)
class CheckedPair:
    certificate_pem: str
    private_key_pem: str
    fingerprint_sha256: str
    not_after: datetime


def _public_key_bytes(key: object) -> bytes:
    return key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_pair(certificate_pem: str, private_key_pem: str) -> CheckedPair:
    """The leaf certificate (first of the chain) and the unencrypted key that matches it."""
    try:
        chain = x509.load_pem_x509_certificates(certificate_pem.encode("utf-8"))
    except ValueError as exc:
        raise CertificateRejected("cert is not a PEM certificate") from exc
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode("utf-8"), password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateRejected("private_key is not an unencrypted PEM private key") from exc
    leaf = chain[0]
    if _public_key_bytes(leaf.public_key()) != _public_key_bytes(key.public_key()):
        raise CertificateRejected("private_key does not match the certificate")
    return CheckedPair(
        certificate_pem=certificate_pem,
        private_key_pem=private_key_pem,
        fingerprint_sha256=leaf.fingerprint(hashes.SHA256()).hex(),
        not_after=leaf.not_valid_after_utc,
    )


CERT_KEY_PURPOSE = "cert private key"


def encrypt_private_key(master_key: str, private_key_pem: str, tenant_id: str) -> str:
    """The key sealed under the master key, bound to the tenant."""
    return seal(master_key, CERT_KEY_PURPOSE, private_key_pem, tenant_id)


def decrypt_private_key(master_key: str, stored: str, tenant_id: str) -> str:
    return unseal(master_key, CERT_KEY_PURPOSE, stored, tenant_id)
