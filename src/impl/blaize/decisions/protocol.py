"""What a rule's scripts may return, read into requirements and decisions.

``requirements_script`` returns an array of ``"entitlement:<id>"``, ``"meter:<id>"`` and
``"credit:<id>"`` strings (or null: none). ``action_script`` returns null or undefined (no
decision), a string (200 with that body), or an object with any of ``status`` (a number or
numeric string, 100-599; 200 when left out), ``body`` (a string), ``headers`` (an object of
header names to strings or numbers), ``meter`` and ``credit`` (an id or an array of ids: one
view of each meter is counted, one unit of each credit spent, when the decision lets the
request through, i.e. its status is 2xx). Anything else is a script error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

REQUIREMENT = re.compile(r"(entitlement|meter|credit):(.+)", re.DOTALL)
MAX_REQUIREMENTS = 100
DECISION_KEYS = frozenset({"status", "body", "headers", "meter", "credit"})
_STATUS = re.compile(r"[1-5][0-9]{2}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\r\n\x00]")


class BadOutput(Exception):
    """A script returned something outside the protocol; ``str()`` says what."""


@dataclass(frozen=True)
class Decision:
    """The response a rule decided on, and the meters and credits it uses up."""

    status: str = "200"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    meters: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()

    @property
    def lets_through(self) -> bool:
        return self.status.startswith("2")

    def view(self) -> dict[str, Any]:
        """The ``DecisionResponse``."""
        answer: dict[str, Any] = {"status": self.status}
        if self.body is not None:
            answer["body"] = self.body
        if self.headers:
            answer["headers"] = dict(self.headers)
        return answer


PASS_THROUGH = Decision()
"""No rule decided: the request goes through as it is."""


def requirements_from(value: Any) -> list[str]:
    """The requirement strings a requirements_script returned, without repeats."""
    if value is None:
        return []
    valid = (
        isinstance(value, list)
        and len(value) <= MAX_REQUIREMENTS
        and all(isinstance(item, str) and REQUIREMENT.fullmatch(item) for item in value)
    )
    if not valid:
        raise BadOutput(
            "must return an array (at most 100) of 'entitlement:<id>', 'meter:<id>' or "
            "'credit:<id>' strings"
        )
    return list(dict.fromkeys(value))


def _status(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _STATUS.fullmatch(text):
        shown = json.dumps(value)
        raise BadOutput(f"returned the status {shown}: a status is a number from 100 to 599")
    return text


def _headers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise BadOutput("returned headers that are not an object")
    headers: dict[str, str] = {}
    for name, raw in value.items():
        text = str(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else raw
        if not _HEADER_NAME.fullmatch(name):
            raise BadOutput(f"returned the header name {name!r}, which is not a valid name")
        if not isinstance(text, str) or _HEADER_VALUE_FORBIDDEN.search(text):
            raise BadOutput(f"returned a value of header {name!r} that is not a one-line string")
        headers[name] = text
    return headers


def _ids(value: Any, what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
        raise BadOutput(f"returned a {what} that is not an id or an array of ids")
    return tuple(dict.fromkeys(items))


def decision_from(value: Any) -> Decision | None:
    """The decision an action_script returned; None when it made none."""
    if value is None:
        return None
    if isinstance(value, str):
        return Decision(body=value)
    if not isinstance(value, dict):
        kinds = {list: "an array", bool: "a boolean"}
        kind = kinds.get(type(value), "a number")
        raise BadOutput(f"must return a string, an object or null, not {kind}")
    unknown = sorted(set(value) - DECISION_KEYS)
    if unknown:
        raise BadOutput(f"returned unknown fields {unknown}: use {sorted(DECISION_KEYS)}")
    body = value.get("body")
    if body is not None and not isinstance(body, str):
        raise BadOutput("returned a body that is not a string")
    return Decision(
        status=_status(value.get("status", 200)),
        body=body,
        headers=_headers(value.get("headers") or {}),
        meters=_ids(value.get("meter") or [], "meter"),
        credits=_ids(value.get("credit") or [], "credit"),
    )
