"""The trusted-referrer hash (``btr``) that marks a decision request as trusted.

A referrer that shares the tenant's secret (tenant configuration ``cdn.trustedReferrerSecret``)
links with ``btr = md5_hex(path + "|" + secret)``. A request whose ``btr`` matches (compared in
constant time, hex case ignored) is trusted; any other ``btr``, or a tenant without a secret,
leaves the request untrusted.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.models import ConfigurationSetting

SECRET_SETTING = "cdn.trustedReferrerSecret"


def referrer_hash(path: str, secret: str) -> str:
    """The ``btr`` a trusted referrer sends for ``path`` (MD5, as the seed defines it)."""
    text = f"{path}|{secret}".encode("utf-8", "surrogatepass")
    return hashlib.md5(text, usedforsecurity=False).hexdigest()


def is_trusted(session: Session, tenant_id: str, path: str, btr: str | None) -> bool:
    if not btr:
        return False
    row = session.get(ConfigurationSetting, (tenant_id, SECRET_SETTING))
    if row is None or not row.value:
        return False
    expected = referrer_hash(path, row.value).encode()
    return hmac.compare_digest(expected, btr.lower().encode())
