"""The tenant's one TLS certificate, stored with its private key sealed under the master key."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.certificates import CheckedPair, encrypt_private_key
from contractkit.impl.blaize.identity.models import Cert
from contractkit.impl.errors import not_found


def store_cert(
    session: Session, master_key: str, tenant_id: str, label: str, checked: CheckedPair
) -> None:
    """Keep the checked certificate and key as the tenant's (replacing any before)."""
    stored = session.get(Cert, tenant_id)
    if stored is None:
        stored = Cert(tenant_id=tenant_id)
        session.add(stored)
    stored.label = label
    stored.certificate_pem = checked.certificate_pem
    stored.encrypted_private_key = encrypt_private_key(
        master_key, checked.private_key_pem, tenant_id
    )
    stored.fingerprint_sha256 = checked.fingerprint_sha256
    stored.not_after = checked.not_after


def delete_cert(session: Session, tenant_id: str) -> None:
    """Forget the tenant's certificate, else 404."""
    stored = session.get(Cert, tenant_id)
    if stored is None:
        raise not_found("Cert")
    session.delete(stored)
