"""`--shard I/N`: one document's operations split over N runs, e.g. the jobs of a CI matrix.

Operations are grouped by resource (`resource_of`: `/v1/tasks`, `/v1/tasks/{taskId}` and
`/v1/tasks/{taskId}/comments` are one group), so a CRUD family and the collections nested below
its items always land in the same shard. Groups go to shards largest first, each to the shard
with the fewest operations so far (ties to the lowest index): the split depends on the document
alone, so every job of the matrix computes the same one. Links that cross groups are left out
of the stateful phase of a sharded run.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from contractkit.openapi import Document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `total`."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str) -> Shard:
    """`"2/3"` as a `Shard`; a clear `ValueError` otherwise."""
    match = _SHARD.fullmatch(text)
    if match is None:
        raise ValueError(f"--shard expects I/N (e.g. 2/3), got {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise ValueError(f"--shard {text}: I must be from 1 to N, and N at least 1")
    return Shard(index, total)


def resource_groups(paths: list[str]) -> dict[str, list[str]]:
    """The paths of a document by resource group, each group's paths in document order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[resource_of(path)].append(path)
    return dict(groups)


def resource_of(path: str) -> str:
    """The collection a path belongs to: its path up to the first static segment that a
    template follows (`/v1/tasks/{id}/notes` -> `/v1/tasks`), else the whole path.

    A collection `P` and its items `P/{id}` give the same answer, and so do collections nested
    below an item (`P/{id}/notes`); a path of templates only (`/{id}`) belongs to `/`.
    """
    parts = [part for part in path.split("/") if part]
    if all(_is_template(part) for part in parts):
        return "/"
    for index, part in enumerate(parts[:-1]):
        if not _is_template(part) and _is_template(parts[index + 1]):
            return "/" + "/".join(parts[: index + 1])
    return "/" + "/".join(parts)


def _is_template(segment: str) -> bool:
    return segment.startswith("{")


def assign(document: Document, total: int) -> dict[str, int]:
    """The shard (1-based) of every path of `document`."""
    paths = list((document.root.get("paths") or {}).keys())
    weights = {path: _operation_count(document.root["paths"][path]) for path in paths}
    groups = resource_groups(paths)
    load = [0] * total
    shard_of: dict[str, int] = {}
    ordered = sorted(groups.items(), key=lambda item: (-sum(weights[p] for p in item[1]), item[0]))
    for _, members in ordered:
        target = min(range(total), key=lambda index: (load[index], index))
        load[target] += sum(weights[path] for path in members)
        for path in members:
            shard_of[path] = target + 1
    return shard_of


def _operation_count(path_item: Any) -> int:
    if not isinstance(path_item, dict):
        return 0
    return sum(1 for method in HTTP_METHODS if method in path_item)


def restrict(document: Document, shard: Shard) -> Document:
    """The part of `document` that `shard` runs: its paths only, everything else unchanged.

    The result keeps the document's name, so findings and coverage of the shards merge back
    under the names an unsharded run uses.
    """
    shard_of = assign(document, shard.total)
    root = copy.deepcopy(document.root)
    root["paths"] = {
        path: item
        for path, item in (root.get("paths") or {}).items()
        if shard_of[path] == shard.index
    }
    return Document.of(root, name=document.name, convert_swagger2=False)
