"""Encryption at rest for values the API must give back later (AES-256-GCM).

Each purpose gets its own key, derived from the master key with HKDF; the associated data
(e.g. the tenant) binds a sealed value to where it belongs.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def _key(master_key: str, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"blaize {purpose}".encode()
    ).derive(master_key.encode("utf-8"))


def seal(master_key: str, purpose: str, plaintext: str, associated: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(master_key, purpose)).encrypt(
        nonce, plaintext.encode("utf-8"), associated.encode("utf-8")
    )
    return base64.b64encode(nonce + sealed).decode("ascii")


def unseal(master_key: str, purpose: str, stored: str, associated: str) -> str:
    raw = base64.b64decode(stored)
    plain = AESGCM(_key(master_key, purpose)).decrypt(
        raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode("utf-8")
    )
    return plain.decode("utf-8")
