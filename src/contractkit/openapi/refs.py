"""Rewrite the ``$ref``s of several documents into one self-contained document.

A ref whose target is a component (``/components/<kind>/<name>``, or
``/definitions|parameters|responses/<name>`` in Swagger 2.0) becomes a local
ref to a component of the bundle, whose content is copied once; every other
target is inlined. A cycle through an inlined target turns that target into a
schema component, so circular schemas stay refs. Pure ``{$ref}`` aliases
between components collapse onto their final target.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from contractkit.openapi.constants import SPEC_SUFFIXES, V2_COMPONENT_KINDS, V3_COMPONENT_KINDS
from contractkit.openapi.errors import SpecError
from contractkit.openapi.pointers import Location, Pointer, format_pointer
from contractkit.openapi.workspace import Workspace

# Keys whose values are plain data (never refs to follow).
_LITERAL_KEYS = frozenset(
    {"example", "default", "enum", "const", "value", "x-example", "x-examples"}
)
# Keys whose values map user-chosen names to objects (a name is never a keyword).
_NAME_MAP_KEYS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "paths",
        "responses",
        "content",
        "headers",
        "links",
        "callbacks",
        "encoding",
        "variables",
        "securitySchemes",
        "securityDefinitions",
        "requestBodies",
        "pathItems",
        "schemas",
        "parameters",
        "examples",
    }
)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME_ATTEMPTS = 1000

RefHandler = Callable[[str, Path], Any]


def copy_json(node: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars), faster than ``copy.deepcopy``."""
    if isinstance(node, dict):
        return {key: copy_json(value) for key, value in node.items()}
    if isinstance(node, list):
        return [copy_json(item) for item in node]
    return node


def component_name(text: str) -> str:
    """``text`` reduced to the characters OpenAPI allows in component names."""
    return _NAME_CHARS.sub("_", text).strip("_") or "Schema"


class RefRewriter:
    """Copies document trees with every ``$ref`` made local to one bundle."""

    def __init__(self, swagger2: bool) -> None:
        self.swagger2 = swagger2
        self.components: dict[Pointer, dict[str, Any]] = {}
        self.origins: dict[Pointer, Location] = {}
        self.referenced_files: list[Path] = []
        self._names: dict[Location, Pointer] = {}
        self._pending: deque[tuple[Location, Pointer]] = deque()
        self._inlining: set[Location] = set()
        self._promoted: dict[Location, Pointer] = {}
        self._canonical: dict[Location, Any] = {}
        self._workspace = Workspace(convert_swagger2=False)

    # -- documents -----------------------------------------------------------------

    def node(self, location: Location) -> Any:
        """The raw (shared, read-only) node at ``location``."""
        return self._workspace.node_at(location)

    def target(self, ref: str, base: Path) -> Location:
        """Where ``ref`` (written in ``base``) leads, after collapsing aliases."""
        try:
            return self._follow(ref, base)
        except SpecError as exc:
            if "(from $ref " in exc.message:
                raise
            message = f"{exc.message} (from $ref {ref!r} in {base})"
            raise SpecError(message, file=exc.file, line=exc.line) from exc

    def _follow(self, ref: str, base: Path) -> Location:
        location = self._workspace.target(ref, base)
        if location.file != base and location.file not in self.referenced_files:
            self.referenced_files.append(location.file)
        seen = {location}
        while True:
            node = self.node(location)
            if not (
                isinstance(node, dict) and len(node) == 1 and isinstance(node.get("$ref"), str)
            ):
                return location
            following = self._workspace.target(node["$ref"], location.file)
            if self.component_section(location) and not self.component_section(following):
                return location
            if following in seen:
                raise SpecError(f"circular $ref alias at {location.fragment()}", file=location.file)
            seen.add(following)
            location = following

    def component_section(self, location: Location) -> Pointer | None:
        """The bundle section (e.g. ``("components", "schemas")``) of a component target."""
        pointer = location.pointer
        if self.swagger2:
            if len(pointer) == 2 and pointer[0] in V2_COMPONENT_KINDS:
                return pointer[:1]
        elif len(pointer) == 3 and pointer[0] == "components" and pointer[1] in V3_COMPONENT_KINDS:
            return pointer[:2]
        return None

    # -- rewriting -----------------------------------------------------------------

    def rewrite(self, node: Any, base: Path) -> Any:
        """A fresh copy of ``node`` (found in ``base``) with local refs only."""
        return self._walk(node, base, self._rewrite_ref)

    def add_component(self, location: Location) -> Pointer:
        """Include the component at ``location`` (a component target) and return its pointer."""
        location = self.target(location.fragment(), location.file)
        section = self.component_section(location)
        if section is None:
            return self._promote(location)
        return self._register(location, section, location.pointer[-1], pending=True)

    def finish(self) -> None:
        """Copy the content of every component that refs reached."""
        while self._pending:
            location, pointer = self._pending.popleft()
            content = self.rewrite(self.node(location), location.file)
            self.components[pointer[:-1]][pointer[-1]] = content

    def _rewrite_ref(self, ref: str, base: Path) -> Any:
        location = self.target(ref, base)
        section = self.component_section(location)
        if section is not None:
            pointer = self._register(location, section, location.pointer[-1], pending=True)
            return {"$ref": "#" + format_pointer(pointer)}
        return self._inline(location)

    def _inline(self, location: Location) -> Any:
        promoted = self._promoted.get(location)
        if promoted is not None:
            return {"$ref": "#" + format_pointer(promoted)}
        if location in self._inlining:
            return {"$ref": "#" + format_pointer(self._promote_marker(location))}
        self._inlining.add(location)
        try:
            content = self.rewrite(self.node(location), location.file)
        finally:
            self._inlining.discard(location)
        promoted = self._promoted.get(location)
        if promoted is None:
            return content
        self.components[promoted[:-1]][promoted[-1]] = content
        return {"$ref": "#" + format_pointer(promoted)}

    def _promote_marker(self, location: Location) -> Pointer:
        section = ("definitions",) if self.swagger2 else ("components", "schemas")
        preferred = location.pointer[-1] if location.pointer else location.file.stem
        pointer = self._register(location, section, preferred, pending=False)
        self._promoted[location] = pointer
        return pointer

    def _promote(self, location: Location) -> Pointer:
        """Make a non-component target a schema component (a discriminator mapping needs a name)."""
        if location in self._promoted:
            return self._promoted[location]
        pointer = self._promote_marker(location)
        self._inlining.add(location)
        try:
            content = self.rewrite(self.node(location), location.file)
        finally:
            self._inlining.discard(location)
        self.components[pointer[:-1]][pointer[-1]] = content
        return pointer

    def _register(
        self, location: Location, section: Pointer, preferred: str, pending: bool
    ) -> Pointer:
        known = self._names.get(location)
        if known is not None:
            return known
        names = self.components.setdefault(section, {})
        for name in self._candidate_names(component_name(preferred), location.file):
            pointer = (*section, name)
            owner = self.origins.get(pointer)
            if owner is None:
                names[name] = None
                self.origins[pointer] = location
                self._names[location] = pointer
                if pending:
                    self._pending.append((location, pointer))
                return pointer
            if owner != location and self._same_content(owner, location):
                self._names[location] = pointer
                return pointer
        raise SpecError(f"too many components named {preferred!r}", file=location.file)

    @staticmethod
    def _candidate_names(name: str, file: Path) -> Iterator[str]:
        yield name
        suffixed = f"{name}_{component_name(file.stem)}"
        yield suffixed
        for number in range(2, _MAX_NAME_ATTEMPTS):
            yield f"{suffixed}_{number}"

    def _same_content(self, first: Location, second: Location) -> bool:
        return bool(self._canonical_form(first) == self._canonical_form(second))

    def _canonical_form(self, location: Location) -> Any:
        if location not in self._canonical:
            self._canonical[location] = self._walk(
                self.node(location),
                location.file,
                lambda ref, base: {"$ref": str(self.target(ref, base))},
            )
        return self._canonical[location]

    # -- the tree walk -------------------------------------------------------------

    def _walk(self, node: Any, base: Path, on_ref: RefHandler, names: bool = False) -> Any:
        if isinstance(node, list):
            return [self._walk(item, base, on_ref) for item in node]
        if not isinstance(node, dict):
            return node
        if names:
            return {key: self._walk(value, base, on_ref) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            replacement = on_ref(ref, base)
            if len(node) == 1:
                return replacement
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            walked = self._walk(siblings, base, on_ref)
            if isinstance(replacement, dict):
                return {**replacement, **walked}
            return replacement
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key in _LITERAL_KEYS or (
                key == "examples" and (self.swagger2 or isinstance(value, list))
            ):
                result[key] = copy_json(value)
            elif key == "mapping" and isinstance(value, dict):
                result[key] = self._mapping(value, base, on_ref)
            elif key.startswith("x-"):
                result[key] = self._extension(value, base, on_ref)
            else:
                result[key] = self._walk(value, base, on_ref, names=key in _NAME_MAP_KEYS)
        return result

    def _extension(self, value: Any, base: Path, on_ref: RefHandler) -> Any:
        """A specification extension's value, its refs followed where they lead somewhere.
        Extensions are no part of the specification: a ``$ref`` there that leads nowhere
        (``x-codeSamples`` naming code files not shipped with the document) is kept as written
        instead of refusing the whole document."""
        try:
            return self._walk(value, base, on_ref)
        except SpecError:
            return copy_json(value)

    def _mapping(self, mapping: dict[str, Any], base: Path, on_ref: RefHandler) -> dict[str, Any]:
        """A discriminator mapping: values that look like refs are rewritten as refs."""
        result: dict[str, Any] = {}
        for key, value in mapping.items():
            if isinstance(value, str) and ("#" in value or value.lower().endswith(SPEC_SUFFIXES)):
                if on_ref == self._rewrite_ref:
                    location = self.target(value, base)
                    section = self.component_section(location)
                    if section is None:
                        pointer = self._promote(location)
                    else:
                        pointer = self._register(
                            location, section, location.pointer[-1], pending=True
                        )
                    result[key] = "#" + format_pointer(pointer)
                else:
                    result[key] = on_ref(value, base)
            else:
                result[key] = value
        return result
