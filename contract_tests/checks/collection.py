"""Collection semantics the list operation's parameters promise, read from the document.

- `pagination_complete`: walking every page (limit/offset, page/per_page or a cursor/next link)
  yields each item exactly once, the walk's own items included;
- `pagination_total`: a total the answer states (`total`, `total_count`, `X-Total-Count`, ...)
  matches the number of items the pages held;
- `filter_applied`: a query parameter named like a field of the items returns only items whose
  field matches the value asked for;
- `sort_order`: a `sort` parameter's documented values (`created_at`, `-created_at`, or `sort`
  with `order=asc|desc`) order the items that way.

Each check costs a few list calls: one page walk, one call per filter and per sort value.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from contractkit.contract.checks.client import Exchange
from contractkit.contract.checks.ids import ids_in, key
from contractkit.contract.checks.registry import check
from contractkit.contract.checks.steps import PAGE_SIZE_NAMES, largest_page
from contractkit.contract.checks.walk import FamilyWalk
from contractkit.openapi import Document, Parameter

OFFSET_NAMES = ("offset", "skip", "start")
PAGE_NAMES = ("page", "page_number", "pageNumber")
CURSOR_NAMES = ("cursor", "after", "page_token", "pageToken", "next_token", "nextToken")
SORT_NAMES = ("sort", "sort_by", "sortBy", "order_by", "orderBy", "ordering")
DIRECTION_NAMES = ("order", "direction", "sort_order", "sortOrder", "dir")
TOTAL_NAMES = ("total", "total_count", "totalCount", "total_items", "totalItems", "totalResults")
META_NAMES = ("meta", "pagination", "page_info", "pageInfo", "paging", "links", "_links")
NEXT_NAMES = ("next_cursor", "nextCursor", "next", "cursor", "endCursor", "next_page_token")
MAX_PAGES = 60
PAGE_SIZE = 2
MAX_FILTERS = 3
MAX_SORTS = 4


@dataclass(frozen=True)
class Pagination:
    style: str
    size: Parameter | None
    position: Parameter | None
    first: int
    page_size: int


@check(
    50,
    ("pagination_complete", "walking every page yields each item exactly once"),
    ("pagination_total", "the total an answer states matches the items the pages held"),
)
def pagination(walk: FamilyWalk) -> None:
    listing = walk.family.listing
    if listing is None:
        walk.skip("pagination_*", f"no GET {walk.family.collection_path}")
        return
    style = _pagination(walk.document, listing.parameters)
    if style is None:
        walk.skip("pagination_*", f"{listing.label} documents no pagination parameters")
        return
    pages, seen, complete, total = _walk_pages(walk, style)
    if not pages:
        return
    first, last = pages[0], pages[-1]
    duplicates = sorted({item for item in seen if seen.count(item) > 1})
    if duplicates:
        walk.report(
            "pagination_complete",
            "Pages repeat items",
            _pages_shown(pages),
            f"ids {', '.join(duplicates[:5])} appear on more than one page "
            f"({len(pages)} pages of {style.page_size})",
        )
    missing = [item.id for item in walk.alive() if key(item.id) not in seen]
    if complete and missing:
        walk.report(
            "pagination_complete",
            "Items missing from every page",
            [walk.items[0].exchange, *_pages_shown(pages)],
            f"ids {', '.join(map(repr, missing))} were created but are on no page "
            f"({len(pages)} pages of {style.page_size})",
        )
    if not complete:
        walk.skip("pagination_total", f"more than {MAX_PAGES} pages")
        return
    if total is None:
        walk.skip("pagination_total", f"{first.label} states no total")
        return
    distinct = len(set(seen))
    if total != distinct:
        walk.report(
            "pagination_total",
            "Stated total differs from the items on the pages",
            [first, *([last] if last is not first else [])],
            f"the answer states a total of {total}, the {len(pages)} pages held {distinct} items",
        )


@check(60, ("filter_applied", "a query parameter named like a field returns only matching items"))
def filters(walk: FamilyWalk) -> None:
    listing = walk.family.listing
    if listing is None:
        walk.skip("filter_applied", f"no GET {walk.family.collection_path}")
        return
    reserved = {*OFFSET_NAMES, *PAGE_NAMES, *CURSOR_NAMES, *SORT_NAMES, *PAGE_SIZE_NAMES}
    candidates = [
        parameter
        for parameter in listing.parameters
        if parameter.location == "query"
        and parameter.name not in reserved
        and parameter.name in walk.read_fields
        and _scalar_schema(walk.document, parameter)
    ]
    if not candidates:
        walk.skip("filter_applied", f"{listing.label} has no query parameter named like a field")
        return
    stored = [_stored(walk, item) for item in walk.alive()[:3]]
    for parameter in candidates[:MAX_FILTERS]:
        values = [resource.get(parameter.name) for resource in stored if resource]
        values = [value for value in values if isinstance(value, str | int | float | bool)]
        if len(set(map(str, values))) < 2:
            walk.skip("filter_applied", f"`{parameter.name}`: the items hold only one value")
            continue
        wanted = values[0]
        query = {**(largest_page(listing) or {}), parameter.name: _query_value(wanted)}
        answer = walk.list_items(query)
        if answer is None or not answer.succeeded:
            continue
        wrong = [
            element
            for element in _elements(walk, answer.body)
            if not _matches(element.get(parameter.name), wanted)
        ]
        if wrong:
            shown = ", ".join(repr(element.get(parameter.name)) for element in wrong[:3])
            walk.report(
                "filter_applied",
                f"Filter `{parameter.name}` not applied",
                [answer],
                f"asked for `{parameter.name}={wanted}`, got {len(wrong)} items with other values "
                f"({shown})",
            )


@check(70, ("sort_order", "a documented sort value orders the items that way"))
def sort_order(walk: FamilyWalk) -> None:
    listing = walk.family.listing
    if listing is None:
        walk.skip("sort_order", f"no GET {walk.family.collection_path}")
        return
    sort = _named(listing.parameters, SORT_NAMES)
    values = _enum(walk.document, sort)
    if sort is None or not values:
        walk.skip("sort_order", f"{listing.label} documents no enumerated sort parameter")
        return
    direction = _named(listing.parameters, DIRECTION_NAMES)
    directions = [
        value for value in _enum(walk.document, direction) if str(value).lower() in ("asc", "desc")
    ]
    for value in values[:MAX_SORTS]:
        field = str(value).lstrip("+-")
        if field not in walk.read_fields:
            continue
        cases: list[tuple[dict[str, Any], bool]] = []
        if directions and direction is not None and not str(value).startswith(("-", "+")):
            cases = [({direction.name: d}, str(d).lower() == "desc") for d in directions]
        else:
            cases = [({}, str(value).startswith("-"))]
        for extra, descending in cases:
            query = {**(largest_page(listing) or {}), sort.name: value, **extra}
            answer = walk.list_items(query)
            if answer is None or not answer.succeeded:
                continue
            found = [element.get(field) for element in _elements(walk, answer.body)]
            if not _ordered(found, descending):
                order = "descending" if descending else "ascending"
                walk.report(
                    "sort_order",
                    f"Sort by `{field}` not {order}",
                    [answer],
                    f"`{field}` values in answer order: {', '.join(map(repr, found[:8]))}",
                )


# -- pagination ------------------------------------------------------------------------------
def _pagination(document: Document, parameters: list[Parameter]) -> Pagination | None:
    size = _named(parameters, PAGE_SIZE_NAMES)
    page_size = 0
    if size is not None:
        page_size = max(PAGE_SIZE, int(_schema(document, size).get("minimum", 1)))
    for style, names in (("cursor", CURSOR_NAMES), ("offset", OFFSET_NAMES), ("page", PAGE_NAMES)):
        position = _named(parameters, names)
        if position is None:
            continue
        first = 0
        if style == "page":
            schema = _schema(document, position)
            first = int(schema.get("minimum", schema.get("default", 1)))
        return Pagination(style, size, position, first, page_size)
    return None


def _walk_pages(
    walk: FamilyWalk, style: Pagination
) -> tuple[list[Exchange], list[str], bool, int | None]:
    """Every page in order, the ids they held, whether the walk reached the end, the total."""
    size = style.page_size
    label = walk.family.listing.label if walk.family.listing is not None else ""
    query: dict[str, Any] = {style.size.name: size} if style.size is not None and size else {}
    position: Any = style.first
    pages: list[Exchange] = []
    seen: list[str] = []
    total: int | None = None
    next_url: str | None = None
    for _ in range(MAX_PAGES):
        answer: Exchange | None
        if next_url is not None:
            answer = walk.client.get_url(next_url, label)
        else:
            paged = dict(query)
            if style.position is not None and (style.style != "cursor" or position):
                paged[style.position.name] = position
            answer = walk.list_items(paged)
        if answer is None or not answer.succeeded:
            return pages, seen, False, total
        pages.append(answer)
        if total is None:
            total = _total(answer)
        elements = _raw_elements(answer.body)
        seen += [_element_key(walk, element) for element in elements]
        if not elements or (size and len(elements) < size and style.style != "cursor"):
            return pages, seen, True, total
        if style.style == "offset":
            position += len(elements)
        elif style.style == "page":
            position += 1
        else:
            following = _next_cursor(answer.body)
            if following is None:
                return pages, seen, True, total
            if "/" in following or "?" in following:
                cursor = parse_qs(urlsplit(following).query).get(
                    style.position.name if style.position else "", []
                )
                if cursor:
                    position, next_url = cursor[0], None
                else:
                    next_url = following
            else:
                position = following
    return pages, seen, False, total


def _pages_shown(pages: list[Exchange]) -> list[Exchange]:
    return pages if len(pages) <= 4 else [*pages[:3], pages[-1]]


def _total(answer: Exchange) -> int | None:
    header = answer.headers.get("x-total-count")
    if header and header.isdigit():
        return int(header)
    body = answer.body
    if not isinstance(body, dict):
        return None
    for holder in [body, *(body.get(name) for name in META_NAMES)]:
        if isinstance(holder, dict):
            for name in TOTAL_NAMES:
                value = holder.get(name)
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
    return None


def _next_cursor(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for holder in [body, *(body.get(name) for name in META_NAMES)]:
        if isinstance(holder, dict):
            for name in NEXT_NAMES:
                value = holder.get(name)
                if isinstance(value, dict):
                    value = value.get("href")
                if isinstance(value, str) and value:
                    return value
    return None


# -- list answers ----------------------------------------------------------------------------
def _raw_elements(body: Any) -> list[Any]:
    """The items of a list answer: the body itself, or its (first) array of objects."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for name in ("data", "items", "results", "records", "content", "entries"):
            if isinstance(body.get(name), list):
                return list(body[name])
        for value in body.values():
            if isinstance(value, list) and any(isinstance(element, dict) for element in value):
                return value
    return []


def _elements(walk: FamilyWalk, body: Any) -> list[dict[str, Any]]:
    found = []
    for element in _raw_elements(body):
        resource = walk.resource(element)
        if isinstance(resource, dict):
            found.append(resource)
    return found


def _element_key(walk: FamilyWalk, element: Any) -> str:
    pointer = walk.items[0].pointer if walk.items else "/id"
    for found in ids_in([element], walk.family, pointer):
        return found
    return repr(element)


def _stored(walk: FamilyWalk, item: Any) -> dict[str, Any]:
    echoed = item.echoed if isinstance(item.echoed, dict) else {}
    return {**item.body, **echoed}


# -- parameters ------------------------------------------------------------------------------
def _schema(document: Document, parameter: Parameter | None) -> dict[str, Any]:
    if parameter is None or parameter.schema is None:
        return {}
    node = document.workspace.follow(parameter.schema).node
    return node if isinstance(node, dict) else {}


def _named(parameters: list[Parameter], names: tuple[str, ...]) -> Parameter | None:
    for name in names:
        for parameter in parameters:
            if parameter.location == "query" and parameter.name == name:
                return parameter
    return None


def _enum(document: Document, parameter: Parameter | None) -> list[Any]:
    schema = _schema(document, parameter)
    values = schema.get("enum")
    if values is None and isinstance(schema.get("items"), dict):
        values = schema["items"].get("enum")
    return list(values or [])


def _scalar_schema(document: Document, parameter: Parameter) -> bool:
    return _schema(document, parameter).get("type") in ("string", "integer", "number", "boolean")


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _matches(found: Any, wanted: Any) -> bool:
    if isinstance(found, list):
        return any(_matches(element, wanted) for element in found)
    if isinstance(found, str) and isinstance(wanted, str):
        return wanted.casefold() in found.casefold()
    return bool(found == wanted or str(found) == str(wanted))


def _ordered(values: list[Any], descending: bool) -> bool:
    """Whether `values` (None left out) are in order, raw or case-folded for strings."""
    present = [value for value in values if value is not None]
    if len({type(value) for value in present}) > 1 or len(present) < 2:
        return True
    keys = [present]
    if isinstance(present[0], str):
        keys.append([value.casefold() for value in present])
    for sequence in keys:
        pairs = list(itertools.pairwise(sequence))
        if all((a >= b) if descending else (a <= b) for a, b in pairs):
            return True
    return False
