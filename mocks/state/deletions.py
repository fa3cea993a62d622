"""Deleted stays deleted: paths removed by a successful DELETE answer 404 afterwards.

This holds in every mode, so that even the static mock never serves a resource it has just
deleted (clients and contract tests check that). A DELETE of a concrete resource (a path
with path parameters) marks its path; later reads and changes of that path or of any path
beneath it (``GET /users/7``, ``PATCH /users/7``, ``GET /users/7/attributes``) get the
documented 404 (operations that document no 404, ``4XX`` or ``default`` answer as before: the
mock never invents an undocumented status). A successful POST or PUT on a marked path or on
a path above it (``PUT /users/7``, ``POST /users``) may create it again, so it lifts the marks
at and under that path. ``POST /__mock/reset`` forgets them all (or one namespace's).

Marks are kept per state namespace (``X-Mock-Namespace``). Without ``--stateful`` they live in
the process (:class:`DeletedPaths`); with it, in the state backend beside the resources
(:class:`StoredDeletedPaths`), so that every worker and instance sharing the state agrees.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict

from contractkit.mock.document.model import Operation
from contractkit.mock.routing.router import split_path
from contractkit.mock.state.backend import StateBackend

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
        self._marks: OrderedDict[tuple[str, Segments], None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._marks)

    def reset(self, namespace: str | None = None) -> None:
        """Forget every mark (of one namespace, when given)."""
        if namespace is None:
            self._marks.clear()
        for mark in [m for m in self._marks if m[0] == namespace]:
            del self._marks[mark]

    def refuses(self, operation: Operation, path: Segments, namespace: str = "") -> bool:
        """Whether a request to ``path`` concerns a deleted resource (POST/PUT may create it
        again, except beneath a deleted one)."""
        if not self._marks:
            return False
        deepest = len(path) - 1 if operation.method in _CREATING else len(path)
        return any((namespace, path[:size]) in self._marks for size in range(1, deepest + 1))

    def record(
        self, operation: Operation, path: Segments, status: int, namespace: str = ""
    ) -> None:
        """Take note of an answered request: a 2xx DELETE marks, a 2xx POST/PUT lifts."""
        if not 200 <= status < 300 or (not self._marks and operation.method != "delete"):
            return
        if operation.method == "delete" and "{" in operation.template:
            self._marks[(namespace, path)] = None
            self._marks.move_to_end((namespace, path))
            while len(self._marks) > _LIMIT:
                self._marks.popitem(last=False)
        elif operation.method in _CREATING:
            for mark in [m for m in self._marks if m[0] == namespace and m[1][: len(path)] == path]:
                del self._marks[mark]


class StoredDeletedPaths:
    """The same marks, kept in the state backend (shared by every worker and instance)."""

    BUCKET = "!deleted"
    """Resource buckets are path templates (they start with ``/``), so this name is free."""

    def __init__(self, backend: StateBackend) -> None:
        self.backend = backend

    def __len__(self) -> int:
        return 1  # unknown without asking the backend: always consult it

    def _marks(self, namespace: str) -> dict[Segments, str]:
        return {
            tuple(json.loads(key)): key for key, _ in self.backend.items(namespace, self.BUCKET)
        }

    def reset(self, namespace: str | None = None) -> None:
        """Nothing of its own: the backend's ``clear`` forgets the marks with the resources."""

    def refuses(self, operation: Operation, path: Segments, namespace: str = "") -> bool:
        """As :meth:`DeletedPaths.refuses`: one lookup of the enclosing paths, however many
        marks there are."""
        deepest = len(path) - 1 if operation.method in _CREATING else len(path)
        keys = [json.dumps(list(path[:size])) for size in range(1, deepest + 1)]
        return self.backend.contains_any(namespace, self.BUCKET, keys)

    def record(
        self, operation: Operation, path: Segments, status: int, namespace: str = ""
    ) -> None:
        """As :meth:`DeletedPaths.record`."""
        if not 200 <= status < 300:
            return
        if operation.method == "delete" and "{" in operation.template:
            self.backend.insert(namespace, self.BUCKET, json.dumps(list(path)), {})
        elif operation.method in _CREATING:
            for mark, key in self._marks(namespace).items():
                if mark[: len(path)] == path:
                    self.backend.delete(namespace, self.BUCKET, key)
