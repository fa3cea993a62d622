"""What clients did: a bounded request log and a coverage report of operations and statuses."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from contractkit.mock.document.model import Operation


class Coverage:
    """Which operations, and which of their documented responses, have been exercised."""

    def __init__(self, operations: list[Operation]) -> None:
        self._operations = operations
        self._counts: dict[tuple[int, str | None, int], int] = {}
        """Answers by operation, documented response and status (one count per request)."""

    def record(self, operation: Operation, status: int, documented_as: str | None) -> None:
        """Count one answer; undocumented answers are counted under their bare status."""
        key = (id(operation), documented_as, status)
        self._counts[key] = self._counts.get(key, 0) + 1

    def reset(self) -> None:
        """Forget everything recorded."""
        self._counts.clear()

    def _tallies(self) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
        """Calls per operation, and answers per operation by documented response (or
        ``"<status> (undocumented)"``)."""
        calls: dict[int, int] = {}
        served: dict[int, dict[str, int]] = {}
        for (key, documented_as, status), count in self._counts.items():
            calls[key] = calls.get(key, 0) + count
            labels = served.setdefault(key, {})
            label = documented_as or f"{status} (undocumented)"
            labels[label] = labels.get(label, 0) + count
        return calls, served

    def report(self) -> dict[str, Any]:
        """Per operation: calls, documented responses, exercised ones; plus totals."""
        rows = []
        documented_total = exercised_total = called = 0
        calls, served_by_operation = self._tallies()
        for operation in self._operations:
            key = id(operation)
            documented = sorted(operation.responses)
            served = served_by_operation.get(key, {})
            exercised = sorted(k for k in served if k in operation.responses)
            documented_total += len(documented)
            exercised_total += len(exercised)
            called += 1 if calls.get(key) else 0
            rows.append(
                {
                    "operation": operation.label,
                    "operationId": operation.operation_id,
                    "calls": calls.get(key, 0),
                    "documented": documented,
                    "exercised": exercised,
                    "missing": [k for k in documented if k not in exercised],
                    "undocumented": sorted(k for k in served if k not in operation.responses),
                }
            )
        return {
            "summary": {
                "operations": len(self._operations),
                "operations_called": called,
                "responses": documented_total,
                "responses_exercised": exercised_total,
            },
            "operations": rows,
        }


_Entry = tuple[float, str, str, "str | None", int, "list[dict[str, str]]"]
_ENTRY_FIELDS = ("time", "method", "path", "operation", "status", "violations")


class RequestLog:
    """The most recent requests and what they got."""

    def __init__(self, size: int = 500) -> None:
        self._entries: deque[_Entry] = deque(maxlen=size)
        """Kept as tuples, made into dicts only when asked for (most never are)."""

    def record(
        self,
        method: str,
        path: str,
        operation: str | None,
        status: int,
        violations: list[dict[str, str]],
    ) -> None:
        """Append one entry."""
        self._entries.append((time.time(), method, path, operation, status, violations))

    def entries(self) -> list[dict[str, Any]]:
        """All kept entries, oldest first."""
        return [dict(zip(_ENTRY_FIELDS, entry, strict=True)) for entry in self._entries]

    def reset(self) -> None:
        """Forget everything recorded."""
        self._entries.clear()
