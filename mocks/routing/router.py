"""Routing: request path + method -> operation and path parameters.

Templates are compiled once into a segment tree. At every level static segments are tried
before templated ones, so ``/users/me`` beats ``/users/{id}``; the most specific matching
path decides, also for methods only ``/users/{id}`` has (those get 405). Server base paths
are part of the registered templates; the bare templates are a fallback, so a client that
leaves the base path out is still served. A path that exists with another method gives 405
and the methods that do exist; a path that does not exist gives 404. A template's fragment
(``/files/{id}#shared_link``, written to tell path items apart) is no part of the URL a client
sends: the route is the template without it, so such path items share their URL's methods.
An empty segment (``/things//parts``) fills a whole-segment parameter with an empty value
when no static segment matches, as a template expands an empty value; the parameter's schema
then says whether it may be empty. A trailing slash is ignored, unless only an empty last
value routes the method (``PATCH /things/`` for ``PATCH /things/{id}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

Target = TypeVar("Target")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def split_path(path: str) -> list[str]:
    """Segments of a path, without the leading slash and any trailing slash."""
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []


@dataclass(slots=True)
class _Dynamic(Generic[Target]):
    names: tuple[str, ...]
    pattern: re.Pattern[str] | None
    """``None`` for a whole-segment placeholder such as ``{id}``."""
    node: _Node[Target]


@dataclass(slots=True)
class _Node(Generic[Target]):
    static: dict[str, _Node[Target]] = field(default_factory=dict)
    dynamic: list[_Dynamic[Target]] = field(default_factory=list)
    endpoint: dict[str, Target] | None = None


@dataclass(frozen=True, slots=True)
class RouteMatch(Generic[Target]):
    """The outcome of routing: a target, or 404 / 405 information."""

    target: Target | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()
    """Methods of the matched path (upper-case), for a 405 ``Allow`` header."""

    @property
    def status(self) -> int:
        """200 when routed, 405 when only the method is wrong, 404 otherwise."""
        if self.target is not None:
            return 200
        return 405 if self.allowed else 404


def _segment_matcher(segment: str) -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    names = tuple(_PLACEHOLDER.findall(segment))
    whole = _PLACEHOLDER.fullmatch(segment)
    if whole:
        return names, None
    parts: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(segment):
        parts.append(re.escape(segment[last : match.start()]))
        parts.append("([^/]+?)")
        last = match.end()
    parts.append(re.escape(segment[last:]))
    return names, re.compile("".join(parts) + r"\Z")


class Router(Generic[Target]):
    """A compiled set of (method, path template) -> target routes."""

    def __init__(self, cache_size: int = 8192) -> None:
        self._primary: _Node[Target] = _Node()
        self._fallback: _Node[Target] = _Node()
        self._cache: dict[tuple[str, str], RouteMatch[Target]] = {}
        self._cache_size = cache_size

    def add(self, method: str, template: str, target: Target, fallback: bool = False) -> None:
        """Register a route; the first registration of a (method, template) wins.

        A template with a fragment is registered without it (the URL clients send, shared with
        the path items of that URL), and as written too, for a client that sends the fragment
        escaped in the path (``/files/7%23get_shared_link``) to reach that very path item.
        """
        root = self._fallback if fallback else self._primary
        path, fragment, _ = template.partition("#")
        self._insert(root, path, method, target)
        if fragment:
            self._insert(root, template, method, target)
        self._cache.clear()

    def _insert(self, node: _Node[Target], template: str, method: str, target: Target) -> None:
        for segment in split_path(template):
            if "{" in segment and _PLACEHOLDER.search(segment):
                names, pattern = _segment_matcher(segment)
                existing = next(
                    (d for d in node.dynamic if d.names == names and d.pattern == pattern), None
                )
                if existing is None:
                    existing = _Dynamic(names, pattern, _Node())
                    # Segments with literal parts are more specific than bare placeholders.
                    node.dynamic.append(existing)
                    node.dynamic.sort(key=lambda d: d.pattern is None)
                node = existing.node
            else:
                node = node.static.setdefault(segment, _Node())
        if node.endpoint is None:
            node.endpoint = {}
        node.endpoint.setdefault(method.upper(), target)

    def match(self, method: str, path: str) -> RouteMatch[Target]:
        """Route one request (recent answers are remembered)."""
        key = (method, path)
        found = self._cache.get(key)
        if found is None:
            found = self._match(method, path)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _match(self, method: str, path: str) -> RouteMatch[Target]:
        segments = split_path(path)
        if "%" in path:
            segments = [unquote(s) for s in segments]
        method = method.upper()
        found = self._match_segments(method, segments)
        if found.target is None and segments and path.endswith("/"):
            # The trailing slash may be an empty last value (/things/ for /things/{id}).
            emptied = self._match_segments(method, [*segments, ""])
            if emptied.target is not None:
                return emptied
        return found

    def _match_segments(self, method: str, segments: list[str]) -> RouteMatch[Target]:
        for root in (self._primary, self._fallback):
            first = _first(root, segments, 0)
            if first is None:
                continue
            endpoint, params = first
            target = endpoint.get(method)
            if target is None and method == "HEAD":
                target = endpoint.get("GET")
            if target is not None:
                return RouteMatch(target, params)
            shape: tuple[bool, ...] | None = None
            allowed: dict[str, Target] = {}
            for endpoint, params, found_shape in _walk(root, segments, 0, {}, ()):
                # The most specific matching path decides, as OpenAPI says; templates of
                # the same shape that differ only in parameter names count as one path.
                if shape is not None and found_shape != shape:
                    break
                shape = found_shape
                target = endpoint.get(method)
                if target is None and method == "HEAD":
                    target = endpoint.get("GET")
                if target is not None:
                    return RouteMatch(target, params)
                allowed.update(endpoint)
            if shape is not None:
                return RouteMatch(None, {}, _allowed(allowed))
        return RouteMatch(None, {}, ())


def _allowed(endpoint: Mapping[str, object]) -> tuple[str, ...]:
    methods = set(endpoint)
    if "GET" in methods:
        methods.add("HEAD")
    return tuple(sorted(methods))


def _first(
    node: _Node[Target], segments: list[str], index: int
) -> tuple[dict[str, Target], dict[str, str]] | None:
    """The most specific endpoint matching ``segments[index:]`` and its parameters: the first
    that :func:`_walk` finds, without its generators (the common case of routing)."""
    if index == len(segments):
        return (node.endpoint, {}) if node.endpoint else None
    segment = segments[index]
    child = node.static.get(segment)
    if child is not None:
        found = _first(child, segments, index + 1)
        if found is not None:
            return found
    for dynamic in node.dynamic:
        if dynamic.pattern is None:
            found = _first(dynamic.node, segments, index + 1)
            if found is not None:
                found[1].setdefault(dynamic.names[0], segment)  # a deeper name wins, as in _walk
                return found
            continue
        captured = dynamic.pattern.match(segment)
        if captured:
            found = _first(dynamic.node, segments, index + 1)
            if found is not None:
                for name, value in zip(dynamic.names, captured.groups(), strict=True):
                    found[1].setdefault(name, value)
                return found
    return None


def _walk(
    node: _Node[Target],
    segments: list[str],
    index: int,
    params: dict[str, str],
    shape: tuple[bool, ...],
) -> Iterator[tuple[dict[str, Target], dict[str, str], tuple[bool, ...]]]:
    """Endpoints matching ``segments[index:]``, most specific first, with their shape
    (static or templated, segment by segment)."""
    if index == len(segments):
        if node.endpoint:
            yield node.endpoint, params, shape
        return
    segment = segments[index]
    child = node.static.get(segment)
    if child is not None:
        yield from _walk(child, segments, index + 1, params, (*shape, True))
    for dynamic in node.dynamic:
        if dynamic.pattern is None:
            yield from _walk(
                dynamic.node,
                segments,
                index + 1,
                {**params, dynamic.names[0]: segment},
                (*shape, False),
            )
            continue
        found = dynamic.pattern.match(segment)
        if found:
            captured = dict(zip(dynamic.names, found.groups(), strict=True))
            yield from _walk(
                dynamic.node, segments, index + 1, {**params, **captured}, (*shape, False)
            )
