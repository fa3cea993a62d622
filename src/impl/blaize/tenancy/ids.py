"""Identifiers and opaque secrets handed out by the API."""

from __future__ import annotations

import hashlib
import secrets
import uuid


def new_id() -> str:
    """A resource identifier such as ``469efefbe4c4cae0`` (64 random bits, hex)."""
    return secrets.token_hex(8)


def new_uuid() -> str:
    """An identifier in UUID form, as the seed shows for admin users."""
    return str(uuid.uuid4())


def new_secret() -> str:
    """A bearer secret (session id, flow token): 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored instead of a bearer secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
