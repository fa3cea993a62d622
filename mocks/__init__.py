"""A mock server for any OpenAPI 2.0/3.0/3.1 document.

Pipeline: router -> validator -> negotiator -> generator (-> state, with ``--stateful``).
The names below are imported on first use, so importing a submodule stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contractkit.mock.engine import MockEngine, MockOptions
    from contractkit.mock.server import MockApp, create_app

_EXPORTS = {
    "MockEngine": "contractkit.mock.engine",
    "MockOptions": "contractkit.mock.engine",
    "MockApp": "contractkit.mock.server",
    "create_app": "contractkit.mock.server",
}

__all__ = ["MockApp", "MockEngine", "MockOptions", "create_app"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
