"""Deleted stays deleted: paths removed by a successful DELETE answer 404 afterwards.

This holds in every mode, so that even the static mock never serves a resource it has just
deleted (clients and contract tests check that). A DELETE of a concrete resource (a path
with path parameters) marks its path; later reads and changes of that path or of any path
beneath it (``GET /users/7``, ``PATCH /users/7``, ``GET /users/7/attributes``) get the
documented 404 (operations that document no 404, ``4XX`` or ``default`` answer as before: the
mock never invents an undocumented status). A successful POST or PUT on a marked path or on
a path above it (``PUT /users/7``, ``POST /users``) may create it again, so it lifts the marks
at and under that path. ``POST /__mock/reset`` forgets them all (or one namespace's).

Which marks a request can meet, leave or lift is worked out once from the documented templates
(:class:`TrackingPlan`): a request only looks up the marks some DELETE can leave above or at
it, a DELETE leaves a mark only where some operation would look it up, and with
``--stateful`` the store answers for its own items (a deleted pet is absent from it), so the
item operations of a stored resource leave the item's own mark to the store.

Marks are kept per state namespace (``X-Mock-Namespace``). Without ``--stateful`` they live in
the process (:class:`DeletedPaths`); with it, in the state backend beside the resources
(:class:`StoredDeletedPaths`), so that every worker and instance sharing the state agrees.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable

from contractkit.mock.document.model import Operation
from contractkit.mock.routing.router import split_path
from contractkit.mock.state.backend import StateBackend

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_CREATING = frozenset({"post", "put"})
_ITEM_ROLES = frozenset({"read", "replace", "update", "delete"})
_LIMIT = 10_000
"""Marks kept at most (the oldest are forgotten first), so memory stays bounded."""

Segments = tuple[str, ...]


def resource_path(operation: Operation, params: dict[str, str]) -> Segments:
    """The request's path below the server base path, from the template and path values."""
    return tuple(
        _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), segment)
        for segment in split_path(operation.template)
    )


def _overlaps(upper: list[str], lower: list[str]) -> bool:
    """Whether a path of template ``lower`` can lie at or beneath one of template ``upper``."""
    return len(lower) >= len(upper) and all(
        a == b or "{" in a or "{" in b for a, b in zip(upper, lower, strict=False)
    )


class TrackingPlan:
    """Per operation: the prefix lengths of its path to look up, whether a 2xx answer marks
    (DELETE) or lifts marks (POST/PUT)."""

    def __init__(
        self, operations: Iterable[Operation], stored_role: Callable[[Operation], str | None]
    ) -> None:
        """``stored_role(op)``: what ``op`` does to a resource of the state store, if anything.
        The store knows when its own items are gone, and its creates hand out fresh ids, so
        they never bring a deleted path back."""
        listed = list(operations)
        shapes = {id(op): split_path(op.template) for op in listed}
        deleting = [op for op in listed if op.method == "delete" and "{" in op.template]
        self._checks: dict[int, tuple[int, ...]] = {}
        marking: set[int] = set()
        for op in listed:
            shape = shapes[id(op)]
            deepest = len(shape) - 1 if op.method in _CREATING else len(shape)
            if stored_role(op) in _ITEM_ROLES:
                deepest = min(deepest, len(shape) - 1)
            sizes: set[int] = set()
            for remover in deleting:
                removed = shapes[id(remover)]
                if len(removed) <= deepest and _overlaps(removed, shape):
                    sizes.add(len(removed))
                    marking.add(id(remover))
            self._checks[id(op)] = tuple(sorted(sizes))
        self._marks = marking
        self._lifts = {
            id(op)
            for op in listed
            if op.method in _CREATING
            and stored_role(op) is None
            and any(_overlaps(shapes[id(op)], shapes[id(d)]) for d in deleting if id(d) in marking)
        }

    def checks(self, operation: Operation) -> tuple[int, ...]:
        """The lengths of the path prefixes a request may find marked."""
        return self._checks.get(id(operation), ())

    def marks(self, operation: Operation) -> bool:
        """Whether a 2xx answer to ``operation`` leaves a mark some request would look up."""
        return id(operation) in self._marks

    def lifts(self, operation: Operation) -> bool:
        """Whether a 2xx answer to ``operation`` may lift marks (some can lie at or under it)."""
        return id(operation) in self._lifts

    def tracks(self, operation: Operation) -> bool:
        """Whether requests to ``operation`` concern deletion marks at all."""
        return bool(self.checks(operation)) or self.marks(operation) or self.lifts(operation)


class DeletedPaths:
    """The marks left by successful DELETEs, per mock process."""

    def __init__(self, plan: TrackingPlan) -> None:
        self.plan = plan
        self._marks: OrderedDict[tuple[str, Segments], None] = OrderedDict()

    def reset(self, namespace: str | None = None) -> None:
        """Forget every mark (of one namespace, when given)."""
        if namespace is None:
            self._marks.clear()
        for mark in [m for m in self._marks if m[0] == namespace]:
            del self._marks[mark]

    def concerns(self, operation: Operation) -> bool:
        """Whether a request to ``operation`` can meet, leave or lift a mark right now."""
        return self.plan.marks(operation) or (bool(self._marks) and self.plan.tracks(operation))

    def refuses(self, operation: Operation, path: Segments, namespace: str = "") -> bool:
        """Whether a request to ``path`` concerns a deleted resource (POST/PUT may create it
        again, except beneath a deleted one)."""
        if not self._marks:
            return False
        return any((namespace, path[:size]) in self._marks for size in self.plan.checks(operation))

    def record(
        self, operation: Operation, path: Segments, status: int, namespace: str = ""
    ) -> None:
        """Take note of an answered request: a 2xx DELETE marks, a 2xx POST/PUT lifts."""
        if not 200 <= status < 300:
            return
        if self.plan.marks(operation):
            self._marks[(namespace, path)] = None
            self._marks.move_to_end((namespace, path))
            while len(self._marks) > _LIMIT:
                self._marks.popitem(last=False)
        elif self._marks and self.plan.lifts(operation):
            for mark in [m for m in self._marks if m[0] == namespace and m[1][: len(path)] == path]:
                del self._marks[mark]


class StoredDeletedPaths:
    """The same marks, kept in the state backend (shared by every worker and instance)."""

    BUCKET = "!deleted"
    """Resource buckets are path templates (they start with ``/``), so this name is free."""

    def __init__(self, backend: StateBackend, plan: TrackingPlan) -> None:
        self.backend = backend
        self.plan = plan

    def reset(self, namespace: str | None = None) -> None:
        """Nothing of its own: the backend's ``clear`` forgets the marks with the resources."""

    def concerns(self, operation: Operation) -> bool:
        """As :meth:`DeletedPaths.concerns` (the marks are not counted: that would cost a
        round trip)."""
        return self.plan.tracks(operation)

    def refuses(self, operation: Operation, path: Segments, namespace: str = "") -> bool:
        """As :meth:`DeletedPaths.refuses`: one lookup of the enclosing paths, however many
        marks there are."""
        sizes = self.plan.checks(operation)
        if not sizes:
            return False
        keys = [json.dumps(list(path[:size])) for size in sizes]
        return self.backend.contains_any(namespace, self.BUCKET, keys)

    def record(
        self, operation: Operation, path: Segments, status: int, namespace: str = ""
    ) -> None:
        """As :meth:`DeletedPaths.record`."""
        if not 200 <= status < 300:
            return
        if self.plan.marks(operation):
            self.backend.insert(namespace, self.BUCKET, json.dumps(list(path)), {})
        elif self.plan.lifts(operation):
            # Marks are JSON arrays of segments: those at or under ``path`` are its key, or
            # start with its key's opening and a next segment.
            key = json.dumps(list(path))
            prefix = key[:-1] + ", " if path else "["
            self.backend.delete_prefixed(namespace, self.BUCKET, key, prefix)
