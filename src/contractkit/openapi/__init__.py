"""Shared OpenAPI tooling: load documents, find them in folders, bundle modules.

Used by the reference implementation, the mock server, the contract-test
runner and ``contractkit lint``.
"""

from contractkit.openapi.bundle import HTTP_METHODS, Bundle, bundle, bundle_folder
from contractkit.openapi.errors import SpecError
from contractkit.openapi.loader import clear_cache, discover, is_openapi_document, load_file

__all__ = [
    "HTTP_METHODS",
    "Bundle",
    "SpecError",
    "bundle",
    "bundle_folder",
    "clear_cache",
    "discover",
    "is_openapi_document",
    "load_file",
]
