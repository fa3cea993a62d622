"""Where the project's own OpenAPI documents live."""

from __future__ import annotations

import os
from pathlib import Path

_REPO_SPECS = Path(__file__).resolve().parents[2] / "specs"


def specs_dir() -> Path:
    """The folder holding ``<api>/<module>.yaml`` documents.

    ``CONTRACTKIT_SPECS_DIR`` overrides the default, which is the ``specs/``
    folder of the source checkout.
    """
    override = os.environ.get("CONTRACTKIT_SPECS_DIR")
    return Path(override) if override else _REPO_SPECS


def api_specs_dir(api: str) -> Path:
    """The folder of one API's module documents, e.g. ``specs/peerly``."""
    return specs_dir() / api
