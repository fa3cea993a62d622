"""State in a dictionary of the process: fast, private to one worker, gone on exit."""

from __future__ import annotations

import copy
import threading

from contractkit.mock.state.backend import MEMORY, Change, JSONObject, StateBackend


class MemoryBackend(StateBackend):
    """Buckets and counters in dictionaries (insertion order is creation order)."""

    def __init__(self) -> None:
        self.url = MEMORY
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], dict[str, JSONObject]] = {}
        self._counters: dict[tuple[str, str], int] = {}

    def next_number(self, namespace: str, counter: str) -> int:
        with self._lock:
            value = self._counters.get((namespace, counter), 0) + 1
            self._counters[(namespace, counter)] = value
            return value

    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        with self._lock:
            found = self._buckets.get((namespace, bucket), {}).get(key)
            return copy.deepcopy(found) if found is not None else None

    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        with self._lock:
            stored = self._buckets.setdefault((namespace, bucket), {})
            if key in stored:
                return False
            stored[key] = copy.deepcopy(item)
            return True

    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        with self._lock:
            stored = self._buckets.get((namespace, bucket), {})
            if key not in stored:
                return None
            stored[key] = copy.deepcopy(change(copy.deepcopy(stored[key])))
            return copy.deepcopy(stored[key])

    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        with self._lock:
            return self._buckets.get((namespace, bucket), {}).pop(key, None) is not None

    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        with self._lock:
            stored = self._buckets.get((namespace, bucket), {})
            return [(key, copy.deepcopy(item)) for key, item in stored.items()]

    def clear(self, namespace: str | None = None) -> None:
        with self._lock:
            if namespace is None:
                self._buckets.clear()
                self._counters.clear()
                return
            for bucket in [name for name in self._buckets if name[0] == namespace]:
                del self._buckets[bucket]
            for counter in [name for name in self._counters if name[0] == namespace]:
                del self._counters[counter]
