"""Strings that match a regular expression (``pattern`` keywords), from a seeded RNG."""

from __future__ import annotations

import random
import re
import string
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: string.digits,
    sre_constants.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
    sre_constants.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_constants.CATEGORY_NOT_WORD: "-.!",
}
_PRINTABLE = string.ascii_letters + string.digits
_MAX_UNBOUNDED = 6


class _Builder:
    def __init__(self, rng: random.Random, stretch: int) -> None:
        self.rng = rng
        self.stretch = stretch
        self.groups: dict[int, str] = {}

    def render(self, parsed: Any) -> str:
        return "".join(self._token(op, arg) for op, arg in parsed)

    def _class(self, items: list[tuple[Any, Any]]) -> str:
        negate = any(op == sre_constants.NEGATE for op, _ in items)
        chars: list[str] = []
        for op, arg in items:
            if op == sre_constants.LITERAL:
                chars.append(chr(arg))
            elif op == sre_constants.RANGE:
                low, high = arg
                chars.extend(chr(c) for c in range(low, min(high, low + 200) + 1))
            elif op == sre_constants.CATEGORY:
                chars.extend(_CATEGORIES.get(arg, _PRINTABLE))
        if negate:
            excluded = set(chars)
            chars = [c for c in _PRINTABLE if c not in excluded] or ["~"]
        return self.rng.choice(chars) if chars else "a"

    def _token(self, op: Any, arg: Any) -> str:
        if op == sre_constants.LITERAL:
            return chr(arg)
        if op == sre_constants.NOT_LITERAL:
            return next(c for c in _PRINTABLE if ord(c) != arg)
        if op == sre_constants.ANY:
            return self.rng.choice(_PRINTABLE)
        if op == sre_constants.IN:
            return self._class(arg)
        if op == sre_constants.BRANCH:
            return self.render(self.rng.choice(arg[1]))
        if op == sre_constants.SUBPATTERN:
            group, _, _, parsed = arg
            text = self.render(parsed)
            if group is not None:
                self.groups[group] = text
            return text
        if op in (
            sre_constants.MAX_REPEAT,
            sre_constants.MIN_REPEAT,
            sre_constants.POSSESSIVE_REPEAT,
        ):
            low, high, parsed = arg
            if high == sre_constants.MAXREPEAT:
                high = low + _MAX_UNBOUNDED
            upper = min(high, low + self.stretch)
            count = self.rng.randint(low, max(low, upper))
            return "".join(self.render(parsed) for _ in range(count))
        if op == sre_constants.GROUPREF:
            return self.groups.get(arg, "")
        if op == sre_constants.CATEGORY:
            return self.rng.choice(_CATEGORIES.get(arg, _PRINTABLE))
        if op == sre_constants.ATOMIC_GROUP:
            return self.render(arg)
        return ""


def string_for_pattern(
    pattern: str, rng: random.Random, min_length: int = 0, max_length: int | None = None
) -> str | None:
    """A string that ``re.search(pattern)`` accepts within the length bounds, or ``None``."""
    try:
        parsed = sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    for attempt in range(24):
        stretch = max(0, 3 - attempt // 6) if max_length is None else attempt % 4
        if min_length > 8:
            stretch = min_length + attempt
        try:
            candidate = _Builder(rng, stretch).render(parsed)
        except (IndexError, ValueError, StopIteration, RecursionError):
            return None
        if len(candidate) < min_length or (max_length is not None and len(candidate) > max_length):
            continue
        if compiled.search(candidate):
            return candidate
    return None
