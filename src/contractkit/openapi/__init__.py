"""The OpenAPI kernel: load documents, resolve refs, read operations, bundle modules.

The one place that reads OpenAPI documents for the reference implementation, the mock
server, the contract-test runner and ``contractkit lint``; it imports nothing else of ours.

- :mod:`~contractkit.openapi.constants` - HTTP methods, component kinds, suffixes.
- :mod:`~contractkit.openapi.pointers` - JSON pointers and ``$ref`` strings.
- :mod:`~contractkit.openapi.loader` - parse files (cached), find documents in folders.
- :mod:`~contractkit.openapi.workspace` - the ``$ref`` resolver (lazy, across files).
- :mod:`~contractkit.openapi.swagger2` - Swagger 2.0 in the OpenAPI 3.0 shape.
- :mod:`~contractkit.openapi.model` - ``Document`` -> ``Operation``, ``Parameter``, ...
- :mod:`~contractkit.openapi.bundle` - module documents merged into one.
"""

from contractkit.openapi.bundle import Bundle, bundle, bundle_folder
from contractkit.openapi.constants import HTTP_METHODS, is_json_media_type
from contractkit.openapi.errors import SpecError
from contractkit.openapi.loader import clear_cache, discover, is_openapi_document, load_file
from contractkit.openapi.model import (
    Document,
    Header,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
)
from contractkit.openapi.workspace import Located, Workspace, spec_version

__all__ = [
    "HTTP_METHODS",
    "Bundle",
    "Document",
    "Header",
    "Located",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "Response",
    "SpecError",
    "Workspace",
    "bundle",
    "bundle_folder",
    "clear_cache",
    "discover",
    "is_json_media_type",
    "is_openapi_document",
    "load_file",
    "spec_version",
]
