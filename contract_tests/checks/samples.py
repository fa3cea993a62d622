"""Valid request bodies for an operation: the document's examples first, then generated ones."""

from __future__ import annotations

import json
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode

from contractkit.openapi import Document, Operation


def request_bodies(
    document: Document, operation: Operation, api_operation: Any, *, seed: int, count: int
) -> list[Any]:
    """Up to `count` distinct valid bodies, deterministic for a seed."""
    bodies = _examples(document, operation)
    drawn: list[Any] = []
    strategy = api_operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    @hypothesis.settings(
        max_examples=count * 3,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(seed)
    @hypothesis.given(strategy)
    def collect(case: Any) -> None:
        drawn.append(case.body)

    collect()
    declared = set(document.properties(operation.json_schema()))
    # Later draws are richer than Hypothesis' first, simplest ones; bodies with only declared
    # fields read better in a report.
    ordered = sorted(reversed(drawn), key=lambda body: not _only_declared(body, declared))
    seen: set[str] = set()
    distinct = []
    for body in [*bodies, *ordered]:
        key = json.dumps(body, sort_keys=True, default=str)
        if isinstance(body, dict) and key not in seen:
            seen.add(key)
            distinct.append(body)
    return distinct[:count]


def _only_declared(body: Any, declared: set[str]) -> bool:
    return isinstance(body, dict) and set(body) <= declared


def _examples(document: Document, operation: Operation) -> list[Any]:
    body = operation.request_body
    if body is None:
        return []
    found = []
    for entry in body.content.values():
        media = entry.located.node
        if "json" not in entry.name or not isinstance(media, dict):
            continue
        if "example" in media:
            found.append(media["example"])
        for example in (media.get("examples") or {}).values():
            value = document.resolve(example)
            if isinstance(value, dict) and "value" in value:
                found.append(value["value"])
        schema = document.resolve(media.get("schema"))
        if isinstance(schema, dict) and "example" in schema:
            found.append(schema["example"])
    return found
