"""The ``url_pattern`` condition of request rules: a regular expression searched in the path.

Patterns are written in Python's ``re`` syntax. They are matched with the ``regex`` package
(compatible with ``re`` in its default version 0), which can stop a search after a time limit:
a pattern with catastrophic backtracking such as ``^(a|aa)+$`` cannot hold a request up.
Patterns that ``re`` warns about (e.g. ``[[:alpha:]]``, a "possible nested set" that ``regex``
reads as a POSIX class) are refused, so that both engines read every pattern alike.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

import regex

INVALID = "url_pattern is not a valid regular expression"


class PatternTimeout(Exception):
    """A search took longer than its time limit."""


@lru_cache(maxsize=2048)
def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable regular expression, or None when it is.

    Remembered: ``re`` warns only when it first compiles a pattern (then it is cached).
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            re.compile(pattern)
        regex.compile(pattern)
    except (re.error, regex.error, OverflowError) as exc:
        return f"{INVALID}: {exc}"
    except RecursionError:
        return f"{INVALID}: too deeply nested"
    if caught:
        return f"url_pattern is ambiguous: {caught[0].message}"
    return None


def pattern_matches(pattern: str, path: str, time_limit_ms: int) -> bool:
    """Whether ``pattern`` is found in ``path`` (anchored by ``^``/``$``); else PatternTimeout."""
    try:
        found = regex.search(pattern, path, timeout=time_limit_ms / 1000, concurrent=True)
    except TimeoutError as exc:
        raise PatternTimeout(f"url_pattern took longer than {time_limit_ms} ms") from exc
    return found is not None
