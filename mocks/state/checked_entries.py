"""Stored entries already found valid against a list's entry schema, known by their text.

A list answer is checked against its schema before it is sent. Its entries come from the
store as text, and an entry whose very text passed that schema before passes it again, so
only entries not seen yet are checked: a page that a client reads again and again costs one
check per new or changed entry instead of one of the whole page on every read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contractkit.mock.document.schemas import CompiledSchema


class CheckedEntries:
    """Texts of entries found valid, per entry schema (bounded; forgotten all at once)."""

    def __init__(self, limit: int = 4096, largest: int = 16384) -> None:
        self.limit = limit
        """Texts kept over all schemas."""
        self.largest = largest
        """Characters; longer texts are checked every time."""
        self._known: dict[int, tuple[CompiledSchema, set[str]]] = {}
        self._kept = 0

    def all_valid(
        self, schema: CompiledSchema, entries: Sequence[Any], texts: Sequence[str]
    ) -> bool:
        """Whether every entry conforms to ``schema``; ``texts[i]`` is ``entries[i]`` as
        stored. Entries whose text conformed before are not checked again."""
        found = self._known.get(id(schema))
        if found is None or found[0] is not schema:
            found = (schema, set())
            self._known[id(schema)] = found
        seen = found[1]
        for entry, text in zip(entries, texts, strict=True):
            if text in seen:
                continue
            if not schema.is_valid(entry):
                return False
            if len(text) <= self.largest:
                self._keep(seen, text)
        return True

    def _keep(self, seen: set[str], text: str) -> None:
        if self._kept >= self.limit:
            for _, texts in self._known.values():
                texts.clear()
            self._kept = 0
        seen.add(text)
        self._kept += 1
