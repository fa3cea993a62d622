"""Failures of the Schemathesis phases judged again with what only the whole document tells.

A Schemathesis check judges one answer against one operation. Some answers need more of the
document to judge (the path items that share the answer's URL, the body a response declares):
a *rule* sees each failure with its request and answer and either leaves it alone, keeps it
(possibly restated), or does not count it. Nothing is dropped silently: every finding not
counted is a `SetAside`, and `notes` names each one in the run's notes with the rule's reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contractkit.contract.model import Finding


@dataclass(frozen=True)
class SetAside:
    """A finding not counted: the rule's reason (shared by its findings) and this one's detail."""

    finding: Finding
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Failed:
    """One failed check as a rule sees it: the finding made of it, the failure, request, answer."""

    finding: Finding
    failure: Failure
    case: Case[Any]
    response: Response


Rule = Callable[[Failed], Finding | SetAside | None]
"""``None``: not the rule's business; a finding: counted (as returned); `SetAside`: not counted."""


def judge(rules: Sequence[Rule], failed: Failed) -> Finding | SetAside:
    """The first verdict of ``rules`` on a failure (the finding as made when none has one)."""
    for rule in rules:
        verdict = rule(failed)
        if verdict is not None:
            return verdict
    return failed.finding


def notes(document: str, set_aside: Iterable[SetAside]) -> list[str]:
    """One note per check and reason, naming each operation with its details."""
    grouped: dict[tuple[str, str], dict[str, set[str]]] = {}
    for item in set_aside:
        operations = grouped.setdefault((item.finding.check, item.reason), {})
        operations.setdefault(item.finding.operation, set()).add(item.detail)
    lines = []
    for (check, reason), operations in grouped.items():
        named = [
            f"{operation} ({'; '.join(sorted(d for d in details if d))})"
            if any(details)
            else operation
            for operation, details in sorted(operations.items())
        ]
        lines.append(
            f"{document}: {check} not counted for {len(operations)} operation(s): {reason}: "
            + ", ".join(named)
        )
    return lines
