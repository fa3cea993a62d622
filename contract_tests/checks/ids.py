"""Where the id of a created item is, in one real answer: the body or the `Location` header."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from contractkit.contract.checks.client import Exchange
from contractkit.contract.checks.families import CrudFamily
from contractkit.contract.json_paths import extract

LOCATION = "Location header"


def id_pointers(family: CrudFamily, body: Any) -> Iterator[str]:
    """Candidate pointers, most trusted first: the document's, then the top level, then any
    single-object envelope (the family's names first)."""
    yield from family.id_pointers
    yield from (f"/{key}" for key in family.id_keys)
    if isinstance(body, dict):
        envelopes = sorted(
            (name for name, value in body.items() if isinstance(value, dict)),
            key=lambda name: name not in family.envelopes,
        )
        for envelope in envelopes:
            yield from (f"/{envelope}/{key}" for key in family.id_keys)


def locate_id(family: CrudFamily, exchange: Exchange) -> tuple[Any, str] | None:
    """The created item's id and where it was found, or `None`."""
    for pointer in id_pointers(family, exchange.body):
        with contextlib.suppress(KeyError, TypeError):
            value = extract(exchange.body, pointer)
            if _scalar(value):
                return value, pointer
    location = exchange.headers.get("location")
    if location:
        segment = unquote(urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1])
        if segment:
            return segment, LOCATION
    return None


def ids_in(node: Any, family: CrudFamily, pointer: str) -> Iterator[str]:
    """Ids of every object in any array of a list answer, as strings.

    List elements are matched on the create's id pointer and each of its suffixes
    (`/data/id` -> `/id`), and on the family's id names.
    """
    tokens = pointer.strip("/").split("/") if pointer != LOCATION else []
    suffixes = ["/" + "/".join(tokens[start:]) for start in range(len(tokens))]
    suffixes += [f"/{key}" for key in family.id_keys]
    suffixes += [f"/{envelope}/id" for envelope in family.envelopes]
    yield from _walk(node, list(dict.fromkeys(suffixes)))


def _walk(node: Any, suffixes: list[str]) -> Iterator[str]:
    if isinstance(node, list):
        for element in node:
            if isinstance(element, dict):
                yield from _element_id(element, suffixes)
            yield from _walk(element, suffixes)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value, suffixes)


def _element_id(element: dict[str, Any], suffixes: list[str]) -> Iterator[str]:
    for suffix in suffixes:
        with contextlib.suppress(KeyError, TypeError):
            value = extract(element, suffix)
            if _scalar(value):
                yield key(value)
                return


def key(value: Any) -> str:
    """An id as a string, so `5` and `"5"` compare equal."""
    return str(value)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and value != ""
