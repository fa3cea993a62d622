"""Path parameter values that form a ``.`` or ``..`` segment reach the server as generated.

An empty ``label``-style value serialises as ``.`` (``/label/{a}`` -> ``/label/.``), two empty
exploded array items as ``..``. HTTP clients resolve such dot segments before sending (RFC 3986,
5.2.4: requests through urllib3, httpx, curl), and so does the ``urljoin`` with which
Schemathesis puts a path after the base URL: ``/label/./.=x`` would arrive as ``/label/.=x`` and
match no path of the document. Schemathesis escapes a value that is ``.`` or ``..`` as a whole,
but not one made by a style's serialisation (nor a segment several parameters fill together).

The runner builds its request URLs itself: in every segment a path parameter fills, a ``.`` or
``..`` segment is written ``%2E`` / ``%2E%2E``, so no client takes it for a dot segment.
(``requests`` decodes the escapes again after its own dot-segment removal, so the server
receives the plain ``.``: the segments arrive as generated, and a server that does not itself
resolve dot segments routes them to the template.) The path is put after the base URL as it
is, so an empty value's empty segment (``/things//parts``) reaches the server too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import schemathesis
from schemathesis.generation.case import Case
from schemathesis.transport.prepare import prepare_path

DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def dot_safe_path(template: str, parameters: Mapping[str, Any] | None) -> str:
    """``template`` with ``parameters`` filled in, each dot segment they form escaped."""
    segments = []
    for segment in template.split("/"):
        if "{" in segment:
            filled = prepare_path(segment, dict(parameters or {}))
            segment = "/".join(DOT_SEGMENTS.get(part, part) for part in filled.split("/"))
        segments.append(segment)
    return "/".join(segments)


def request_url(case: Case[Any], base_url: str) -> str:
    """The URL of ``case`` below ``base_url``: the base URL, then the path as filled in. Not
    ``urljoin`` as Schemathesis does: it also drops empty segments, so an empty path value
    (``/things//parts``) would reach the server as another path (``/things/parts``)."""
    path = dot_safe_path(case.path, case.path_parameters).lstrip("/")
    if not base_url.endswith("/"):
        base_url += "/"
    return base_url + path


def keep_dot_segments(schema: schemathesis.BaseSchema) -> None:
    """Make every request of ``schema`` (engine phases and our checks) use :func:`request_url`."""
    schema.build_request_url = request_url  # type: ignore[method-assign]
