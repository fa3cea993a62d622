"""Who is calling, as the network sees it."""

from __future__ import annotations

from connexion.context import request as current_request


def client_address() -> str:
    """The address of the current request's client (its TCP peer), or ``unknown``."""
    client = current_request.client
    return client.host if client is not None else "unknown"
