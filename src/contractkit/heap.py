"""The heap a long-running server builds at start-up, kept out of the garbage collector's way."""

from __future__ import annotations

import gc


def keep_out_of_collections() -> None:
    """Move what exists now (documents, routes, validators) out of the collector's reach.

    It lives as long as the process; left in, every full collection under load would walk all
    of it again. Call once everything served is built, just before serving.
    """
    gc.collect()
    gc.freeze()
