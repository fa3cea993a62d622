"""How deeply a JSON text nests, found without parsing it (so never by recursion)."""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 100
"""Arrays and objects inside one another that a request body may hold."""

_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` opens more than ``limit`` arrays or objects inside one another.

    Brackets inside strings do not count; the text need not be valid JSON.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False
