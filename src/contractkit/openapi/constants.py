"""The names OpenAPI itself fixes, defined once for every reader of documents."""

from __future__ import annotations

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
"""The operation keys of a path item, in the order OpenAPI lists them."""

SWAGGER2_METHODS = tuple(method for method in HTTP_METHODS if method != "trace")
"""The operation keys of a Swagger 2.0 path item (2.0 has no ``trace``)."""

PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")
"""Where an OpenAPI 3 parameter can be (``in``)."""

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
"""The file suffixes of documents."""

V3_COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "pathItems",
)
"""The sections of ``components`` that hold objects a ``$ref`` can name."""

V2_COMPONENT_KINDS = ("definitions", "parameters", "responses")
"""The top-level Swagger 2.0 sections that hold objects a ``$ref`` can name."""

SWAGGER2_SECTIONS = {
    "definitions": ("components", "schemas"),
    "parameters": ("components", "parameters"),
    "responses": ("components", "responses"),
    "securityDefinitions": ("components", "securitySchemes"),
}
"""Where each Swagger 2.0 section lives in the OpenAPI 3.0 shape."""

JSON_MEDIA_TYPE = "application/json"


def is_json_media_type(media_type: str) -> bool:
    """``application/json`` or a ``+json`` type, ignoring parameters and case."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == JSON_MEDIA_TYPE or essence.endswith("+json")
