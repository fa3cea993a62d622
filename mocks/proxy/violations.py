"""What the proxy saw: contract violations as data, and how many exchanges of each kind."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from contractkit.mock.types import Violation
from contractkit.openapi.pointers import escape_token

LIMIT = 10_000
"""Violations kept at most (the oldest are dropped first); counts stay exact."""


@dataclass(frozen=True, slots=True)
class ProxyViolation:
    """One way a request or an answer breaks the document."""

    operation: str
    """``METHOD /template`` of the documented operation (the request line when none)."""
    direction: str
    """``request`` or ``response``."""
    message: str
    pointer: str
    """Where, as a JSON pointer into the exchange: ``/query/limit``, ``/body/0/id``, ``/status``."""

    @classmethod
    def of(cls, operation: str, direction: str, violation: Violation) -> ProxyViolation:
        """From a validation stage's violation."""
        parts = [violation.location]
        if violation.name:
            parts.extend(violation.name.split("."))
        pointer = "/" + "/".join(escape_token(part) for part in parts)
        return cls(operation, direction, violation.message, pointer)

    def as_dict(self) -> dict[str, str]:
        """The violation as a JSON object."""
        return {
            "operation": self.operation,
            "direction": self.direction,
            "message": self.message,
            "pointer": self.pointer,
        }

    def summary(self) -> str:
        """One short line: ``response /body/0/id: message``."""
        return f"{self.direction} {self.pointer}: {self.message}"


class ViolationLog:
    """Every violation seen, and the exchanges per operation and source (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._violations: list[ProxyViolation] = []
        self.dropped = 0
        self.exchanges: Counter[str] = Counter()
        """Exchanges per operation label."""
        self.sources: Counter[str] = Counter()
        """Exchanges per source: ``upstream``, ``mock``, ``proxy`` (upstream unreachable)."""

    def record(self, operation: str, source: str, found: list[ProxyViolation]) -> None:
        """Take note of one exchange and what it broke."""
        with self._lock:
            self.exchanges[operation] += 1
            self.sources[source] += 1
            self._violations.extend(found)
            overflow = len(self._violations) - LIMIT
            if overflow > 0:
                del self._violations[:overflow]
                self.dropped += overflow

    def violations(self) -> list[ProxyViolation]:
        """The violations kept, oldest first."""
        with self._lock:
            return list(self._violations)

    def as_json(self) -> list[dict[str, Any]]:
        """What ``GET /__mock/violations`` answers."""
        return [violation.as_dict() for violation in self.violations()]

    def reset(self) -> None:
        """Forget everything seen."""
        with self._lock:
            self._violations.clear()
            self.dropped = 0
            self.exchanges.clear()
            self.sources.clear()
