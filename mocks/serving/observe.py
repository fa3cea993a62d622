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
        self._calls: dict[int, int] = {}
        self._served: dict[int, dict[str, int]] = {}

    def record(self, operation: Operation, status: int, documented_as: str | None) -> None:
        """Count one answer; undocumented answers are counted under their bare status."""
        key = id(operation)
        self._calls[key] = self._calls.get(key, 0) + 1
        served = self._served.setdefault(key, {})
        label = documented_as or f"{status} (undocumented)"
        served[label] = served.get(label, 0) + 1

    def reset(self) -> None:
        """Forget everything recorded."""
        self._calls.clear()
        self._served.clear()

    def report(self) -> dict[str, Any]:
        """Per operation: calls, documented responses, exercised ones; plus totals."""
        rows = []
        documented_total = exercised_total = called = 0
        for operation in self._operations:
            key = id(operation)
            documented = sorted(operation.responses)
            served = self._served.get(key, {})
            exercised = sorted(k for k in served if k in operation.responses)
            documented_total += len(documented)
            exercised_total += len(exercised)
            called += 1 if self._calls.get(key) else 0
            rows.append(
                {
                    "operation": operation.label,
                    "operationId": operation.operation_id,
                    "calls": self._calls.get(key, 0),
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


class RequestLog:
    """The most recent requests and what they got."""

    def __init__(self, size: int = 500) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)

    def record(
        self,
        method: str,
        path: str,
        operation: str | None,
        status: int,
        violations: list[dict[str, str]],
    ) -> None:
        """Append one entry."""
        self._entries.append(
            {
                "time": time.time(),
                "method": method,
                "path": path,
                "operation": operation,
                "status": status,
                "violations": violations,
            }
        )

    def entries(self) -> list[dict[str, Any]]:
        """All kept entries, oldest first."""
        return list(self._entries)

    def reset(self) -> None:
        """Forget everything recorded."""
        self._entries.clear()
