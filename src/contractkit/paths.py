"""Where the project's own OpenAPI documents live."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries the documents as ``contractkit/specs``; a source checkout
# (including an editable install) keeps them in the repository's top-level ``specs/``.
_INSTALLED_SPECS = _PACKAGE / "specs"
_CHECKOUT_SPECS = _PACKAGE.parents[1] / "specs"


def specs_dir() -> Path:
    """The folder holding ``<api>/<module>.yaml`` documents.

    ``CONTRACTKIT_SPECS_DIR`` overrides the default: the documents shipped with the
    package, or the ``specs/`` folder of the source checkout.
    """
    override = os.environ.get("CONTRACTKIT_SPECS_DIR")
    if override:
        return Path(override)
    return _INSTALLED_SPECS if _INSTALLED_SPECS.is_dir() else _CHECKOUT_SPECS


def api_specs_dir(api: str) -> Path:
    """The folder of one API's module documents, e.g. ``specs/peerly``."""
    return specs_dir() / api
