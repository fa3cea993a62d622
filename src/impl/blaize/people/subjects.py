"""Who meters count and gifts are claimed for: a user, or an anonymous visitor's session.

A subject is written ``user:<user_id>`` or ``anonymous:<opaque>``, where ``<opaque>`` names an
anonymous session (the SHA-256 digest of its id, as ``blaize_user_sessions`` keeps it).
"""

from __future__ import annotations

from contractkit.impl.blaize.tenancy.storable import contains_nul

USER = "user"
ANONYMOUS = "anonymous"


def user_subject(user_id: str) -> str:
    return f"{USER}:{user_id}"


def anonymous_subject(opaque: str) -> str:
    return f"{ANONYMOUS}:{opaque}"


def parse_subject(subject: str) -> tuple[str, str]:
    """``(kind, value)`` of a subject; ValueError when it is not one of the two forms."""
    kind, separator, value = subject.partition(":")
    if not separator or kind not in (USER, ANONYMOUS) or not value or contains_nul(value):
        raise ValueError(f"A subject is 'user:<id>' or 'anonymous:<opaque>', not {subject!r}")
    return kind, value
