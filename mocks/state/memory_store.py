"""State in a dictionary of the process: fast, private to one worker, gone on exit.

Each object is kept twice: as JSON text, from which every caller gets a fresh copy, and
decoded, so that lists are filtered without decoding the whole bucket (the decoded form never
leaves the store, so nobody can change it).
"""

from __future__ import annotations

import threading

from contractkit.mock.json_codec import load_object, load_objects, to_text
from contractkit.mock.state.backend import MEMORY, Change, JSONObject, StateBackend
from contractkit.mock.state.listing import Listing, Page, item_matches

_Stored = tuple[JSONObject, str]


class MemoryBackend(StateBackend):
    """Buckets and counters in dictionaries (insertion order is creation order)."""

    def __init__(self) -> None:
        self.url = MEMORY
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], dict[str, _Stored]] = {}
        self._counters: dict[tuple[str, str], int] = {}

    def next_number(self, namespace: str, counter: str) -> int:
        with self._lock:
            value = self._counters.get((namespace, counter), 0) + 1
            self._counters[(namespace, counter)] = value
            return value

    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        with self._lock:
            found = self._buckets.get((namespace, bucket), {}).get(key)
        return load_object(found[1]) if found is not None else None

    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        text = to_text(item)
        with self._lock:
            stored = self._buckets.setdefault((namespace, bucket), {})
            if key in stored:
                return False
            stored[key] = (load_object(text), text)
            return True

    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        with self._lock:
            stored = self._buckets.get((namespace, bucket), {})
            if key not in stored:
                return None
            changed = change(load_object(stored[key][1]))
            text = to_text(changed)
            stored[key] = (load_object(text), text)
            return changed

    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        with self._lock:
            return self._buckets.get((namespace, bucket), {}).pop(key, None) is not None

    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        with self._lock:
            stored = list(self._buckets.get((namespace, bucket), {}).items())
        return [(key, load_object(text)) for key, (_, text) in stored]

    def page(self, namespace: str, bucket: str, listing: Listing) -> Page:
        with self._lock:
            stored = list(self._buckets.get((namespace, bucket), {}).values())
        matching = [text for item, text in stored if item_matches(item, listing.filters)]
        end = None if listing.size is None else listing.start + listing.size
        total = len(matching) if listing.count else None
        texts = matching[listing.start : end]
        return Page(load_objects(texts), total, texts)

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
