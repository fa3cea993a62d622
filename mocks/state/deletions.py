"""Deleted stays deleted: paths removed by a successful DELETE answer 404 afterwards.

This holds in every mode, so that even the static mock never serves a resource it has just
deleted (clients and contract tests check that). A DELETE of a concrete resource (a path
with path parameters) marks its path; later reads and changes of that path or of any path
beneath it (``GET /users/7``, ``PATCH /users/7``, ``GET /users/7/attributes``) get the
documented 404 (operations that document no 404, ``4XX`` or ``default`` answer as before: the
mock never invents an undocumented status). A successful POST or PUT on a marked path or on
a path above it (``PUT /users/7``, ``POST /users``) may create it again, so it lifts the marks
at and under that path. ``POST /__mock/reset`` forgets them all.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from contractkit.mock.document.model import Operation
from contractkit.mock.routing.router import split_path

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_CREATING = frozenset({"post", "put"})
_LIMIT = 10_000
"""Marks kept at most (the oldest are forgotten first), so memory stays bounded."""

Segments = tuple[str, ...]


def resource_path(operation: Operation, params: dict[str, str]) -> Segments:
    """The request's path below the server base path, from the template and path values."""
    return tuple(
        _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), segment)
        for segment in split_path(operation.template)
    )


class DeletedPaths:
    """The marks left by successful DELETEs, per mock process."""

    def __init__(self) -> None:
        self._marks: OrderedDict[Segments, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._marks)

    def reset(self) -> None:
        """Forget every mark."""
        self._marks.clear()

    def refuses(self, operation: Operation, path: Segments) -> bool:
        """Whether a request to ``path`` concerns a deleted resource (POST/PUT may create it
        again, except beneath a deleted one)."""
        if not self._marks:
            return False
        deepest = len(path) - 1 if operation.method in _CREATING else len(path)
        return any(path[:size] in self._marks for size in range(1, deepest + 1))

    def record(self, operation: Operation, path: Segments, status: int) -> None:
        """Take note of an answered request: a 2xx DELETE marks, a 2xx POST/PUT lifts."""
        if not 200 <= status < 300 or (not self._marks and operation.method != "delete"):
            return
        if operation.method == "delete" and "{" in operation.template:
            self._marks[path] = None
            self._marks.move_to_end(path)
            while len(self._marks) > _LIMIT:
                self._marks.popitem(last=False)
        elif operation.method in _CREATING:
            for mark in [m for m in self._marks if m[: len(path)] == path]:
                del self._marks[mark]
