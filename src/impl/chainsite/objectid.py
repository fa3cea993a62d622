"""Identifiers shaped like MongoDB ObjectIds: 4 bytes of time, 8 random bytes, in hex."""

from __future__ import annotations

import secrets
import time


def new_object_id() -> str:
    """A new 24-character hexadecimal id; ids sort by creation second."""
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"
