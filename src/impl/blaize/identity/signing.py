"""Keypair request signatures (the ``keypairSignature`` scheme of ``specs/blaize``).

Pure functions shared by the server check and by clients (tests, tools):

* the credential header ``BLAIZE-HMAC-SHA256 access_key=..., timestamp=..., nonce=...,
  signature=...``;
* the canonical request: method, path below the mount point, canonical query, body SHA-256,
  timestamp and nonce, joined by ``\\n``;
* the secret key of a keypair, derived with HKDF-SHA256 from the master key, a random
  per-keypair salt and the access key; the server stores only the salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SCHEME = "BLAIZE-HMAC-SHA256"
MAX_SKEW_SECONDS = 300
NONCE_MEMORY_SECONDS = 2 * MAX_SKEW_SECONDS
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

_FIELDS = {
    "access_key": re.compile(r"^[A-Za-z0-9_-]{1,64}$"),
    "timestamp": re.compile(r"^[0-9]{1,15}$"),
    "nonce": re.compile(r"^[A-Za-z0-9_-]{16,64}$"),
    "signature": re.compile(r"^[0-9a-f]{64}$"),
}


class MalformedSignature(ValueError):
    """The Authorization header is not a well-formed keypair signature."""


@dataclass(frozen=True)
class SignedHeader:
    access_key: str
    timestamp_ms: int
    nonce: str
    signature: str


def is_signature_header(value: str | None) -> bool:
    """Whether ``value`` claims the keypair scheme (so its body must be digested)."""
    return bool(value) and value.split(" ", 1)[0].upper() == SCHEME  # type: ignore[union-attr]


def parse_authorization(value: str) -> SignedHeader:
    """Split the header into its four fields; every field exactly once, nothing else."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.upper() != SCHEME:
        raise MalformedSignature(f"the scheme must be {SCHEME}")
    found: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, field_value = item.strip().partition("=")
        if not sep or name not in _FIELDS or name in found:
            raise MalformedSignature(f"unexpected part {item.strip()!r}")
        if not _FIELDS[name].match(field_value):
            raise MalformedSignature(f"{name} is malformed")
        found[name] = field_value
    if found.keys() != _FIELDS.keys():
        raise MalformedSignature("access_key, timestamp, nonce and signature are required")
    return SignedHeader(
        access_key=found["access_key"],
        timestamp_ms=int(found["timestamp"]),
        nonce=found["nonce"],
        signature=found["signature"],
    )


def _encode(text: str) -> str:
    return quote(text, safe="-._~")


def canonical_query(raw_query: str) -> str:
    """Every parameter as ``name=value`` (RFC 3986 encoded), sorted, joined by ``&``.

    The raw query is decoded as servers decode it (``+`` is a space; a parameter without
    ``=`` has an empty value) and encoded again, so equivalent spellings sign the same.
    """
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    encoded = sorted((_encode(name), _encode(value)) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def canonical_request(
    method: str, path: str, raw_query: str, body_sha256: str, timestamp_ms: int, nonce: str
) -> str:
    return "\n".join(
        (method.upper(), path, canonical_query(raw_query), body_sha256, str(timestamp_ms), nonce)
    )


def signature(secret_key: str, canonical: str) -> str:
    """Lower-case hex HMAC-SHA256 of the canonical request, keyed with the secret key."""
    return hmac.new(secret_key.encode("utf-8"), canonical.encode("utf-8"), "sha256").hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii"))


def new_access_key() -> str:
    return "BK" + secrets.token_hex(10).upper()


def new_salt() -> str:
    return secrets.token_hex(16)


def derive_secret(master_key: str, salt: str, info: str) -> str:
    """HKDF-SHA256(master key, hex ``salt``, ``info``): 32 bytes, unpadded base64url."""
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=bytes.fromhex(salt),
        info=info.encode("ascii"),
    ).derive(master_key.encode("utf-8"))
    return base64.urlsafe_b64encode(derived).rstrip(b"=").decode("ascii")


def derive_secret_key(master_key: str, access_key: str, salt: str) -> str:
    """The keypair's secret key: HKDF-SHA256(master key, salt, info=access key), base64url."""
    return derive_secret(master_key, salt, "blaize keypair secret " + access_key)


def authorization_header(
    access_key: str,
    secret_key: str,
    *,
    method: str,
    path: str,
    raw_query: str = "",
    body: bytes = b"",
    timestamp_ms: int,
    nonce: str,
) -> str:
    """The header a client sends for this request (used by tests and tools)."""
    canonical = canonical_request(
        method, path, raw_query, hashlib.sha256(body).hexdigest(), timestamp_ms, nonce
    )
    return (
        f"{SCHEME} access_key={access_key}, timestamp={timestamp_ms}, nonce={nonce}, "
        f"signature={signature(secret_key, canonical)}"
    )
