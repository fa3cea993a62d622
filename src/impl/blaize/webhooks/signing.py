"""Signatures of webhook calls (``Blaize-Signature: t=<unix seconds>,v1=<hex>``).

``v1`` is the lower-case hex HMAC-SHA256, keyed with the UTF-8 bytes of the webhook's
secret, of ``<t>.<raw body>``. The secret is derived from the master key, a random
per-webhook salt and the webhook id (HKDF, as keypair secrets are), so none is stored.
Pure functions, shared by the dispatcher and by receivers written in Python.
"""

from __future__ import annotations

import hmac

from contractkit.impl.blaize.identity.signing import derive_secret

HEADER = "Blaize-Signature"
TOLERANCE_SECONDS = 300
"""How far from their clock receivers should accept ``t`` (replay protection)."""


def webhook_secret(master_key: str, webhook_id: str, salt: str) -> str:
    return derive_secret(master_key, salt, "blaize webhook secret " + webhook_id)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, "sha256").hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, dated within ``tolerance`` of ``now``."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        fields.setdefault(name, []).append(value)
    stamps = fields.get("t", [])
    if len(stamps) != 1 or not (stamps[0].isascii() and stamps[0].isdigit()):
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(
        given.isascii() and hmac.compare_digest(expected, given) for given in fields.get("v1", [])
    )
