"""Identities: the callers a run acts as, and which of them may see each other's data.

The first identity is the default one: every request of the run is sent as it. The others are
used by the authorization checks, which create resources as the default identity and try to
reach them as each other identity that is isolated from it.
"""

from __future__ import annotations

from contractkit.contract.identities.model import Identity, IdentityError, IdentitySet
from contractkit.contract.identities.parse import (
    identities_from_config,
    identities_from_options,
    parse_identity_option,
)

__all__ = [
    "Identity",
    "IdentityError",
    "IdentitySet",
    "identities_from_config",
    "identities_from_options",
    "parse_identity_option",
]
