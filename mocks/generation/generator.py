"""Data from schemas: examples first, else values generated to validate against the schema.

Generation reads compiled (JSON Schema 2020-12) schemas and draws every choice from one
``random.Random``; the caller seeds it, so the same seed gives the same data. Static
generation (the default) prefers schema examples, defaults, the first enum value and
every property; dynamic generation varies values and optional properties. Every result
is validated, and regenerated differently when it does not conform.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

from contractkit.mock.document.schemas import DEFS_PREFIX, RESPONSE, CompiledSchema
from contractkit.mock.generation.formats import value_for_format
from contractkit.mock.generation.regexgen import string_for_pattern
from contractkit.mock.types import list_at, mapping_at

_LOWER = ("minimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "maxLength", "maxItems", "maxProperties")
_WORDS = ("lorem", "ipsum", "dolor", "sit", "amet", "magna", "porta", "vitae", "nisi", "velit")
_OBJECT_HINTS = (
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "patternProperties",
)
_ARRAY_HINTS = ("items", "prefixItems", "minItems", "maxItems", "contains")
_STRING_HINTS = ("minLength", "maxLength", "pattern", "format")
_NUMBER_HINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_ATTEMPTS = 6


def _merge_types(a: Any, b: Any) -> Any:
    left = {a} if isinstance(a, str) else set(a)
    right = {b} if isinstance(b, str) else set(b)
    if "number" in left and "integer" in right:
        left.add("integer")
    if "number" in right and "integer" in left:
        right.add("integer")
    both = [t for t in (a if isinstance(a, list) else [a]) if t in right]
    both += [t for t in right if t in left and t not in both]
    return both


def merge_schemas(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The conjunction of two (dereferenced) schemas, as far as generation needs it."""
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
            continue
        current = out[key]
        if key == "properties" and isinstance(current, dict) and isinstance(value, dict):
            merged = dict(current)
            for name, sub in value.items():
                merged[name] = {"allOf": [merged[name], sub]} if name in merged else sub
            out[key] = merged
        elif key == "required" and isinstance(current, list) and isinstance(value, list):
            out[key] = current + [name for name in value if name not in current]
        elif key == "type":
            out[key] = _merge_types(current, value)
        elif key in _LOWER or key == "exclusiveMinimum":
            out[key] = max(current, value)
        elif key in _UPPER or key == "exclusiveMaximum":
            out[key] = min(current, value)
        elif key == "enum" and isinstance(current, list) and isinstance(value, list):
            out[key] = [v for v in current if v in value] or current
        elif key in ("items", "additionalProperties"):
            if current is False or value is False:
                out[key] = False
            elif isinstance(current, dict) and isinstance(value, dict):
                out[key] = {"allOf": [current, value]}
        elif key in ("oneOf", "anyOf"):
            out.setdefault("x-ck-also", []).append({key: value})
    return out


class Generator:
    """Generates one value for one compiled schema."""

    def __init__(
        self,
        compiled: CompiledSchema,
        rng: random.Random,
        dynamic: bool = False,
        use_examples: bool = True,
        max_depth: int = 4,
        minimal: bool = False,
    ) -> None:
        self.compiled = compiled
        self.minimal = minimal
        """Only what the schema requires: no optional properties, no optional array items."""
        self.rng = rng
        self.dynamic = dynamic
        self.use_examples = use_examples
        self.max_depth = max_depth
        self.hidden = "writeOnly" if compiled.direction == RESPONSE else "readOnly"

    # -- entry points ---------------------------------------------------------------

    def value(self) -> Any:
        """A value for the whole schema (not validated; see :func:`generate_valid`)."""
        return self.generate(self.compiled.schema, 0, ())

    def generate(self, node: Any, depth: int, chain: tuple[str, ...]) -> Any:
        """A value for ``node`` at nesting ``depth``; ``chain`` lists the refs followed."""
        if node is True or node is None:
            return self._any()
        if node is False or not isinstance(node, dict):
            return None
        schema, chain, identity = self._flatten(node, chain)
        if self.use_examples:
            example = self._schema_example(schema)
            if example is not _NONE:
                return example
        return self._resolved(schema, depth, chain, identity)

    def _resolved(
        self, schema: dict[str, Any], depth: int, chain: tuple[str, ...], identity: str | None
    ) -> Any:
        """A value for a flattened schema: const, enum, alternatives, then by type."""
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self._pick_enum(schema["enum"])
        alternatives = [
            (key, branches)
            for key, branches in (("oneOf", schema.get("oneOf")), ("anyOf", schema.get("anyOf")))
            if isinstance(branches, list) and branches
        ]
        for extra in schema.get("x-ck-also", []):
            alternatives.extend((k, v) for k, v in extra.items() if isinstance(v, list) and v)
        if alternatives:
            return self._alternative(schema, alternatives, depth, chain)
        return self._typed(schema, depth, chain, identity)

    # -- schema shaping ------------------------------------------------------------

    def _deref(self, node: Any, chain: tuple[str, ...]) -> tuple[Any, tuple[str, ...], str | None]:
        identity = None
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            ref = node["$ref"]
            identity = ref
            chain = (*chain, ref)
            node = (
                self.compiled.deref(node) if len(node) > 1 else self.compiled.deref({"$ref": ref})
            )
        return node, chain, identity

    def _flatten(
        self, node: dict[str, Any], chain: tuple[str, ...]
    ) -> tuple[dict[str, Any], tuple[str, ...], str | None]:
        resolved, chain, identity = self._deref(node, chain)
        if not isinstance(resolved, dict):
            return {}, chain, identity
        if "allOf" not in resolved:
            return resolved, chain, identity
        merged = {k: v for k, v in resolved.items() if k != "allOf"}
        for member in resolved["allOf"]:
            inner, _, member_identity = self._deref(member, ())
            if not isinstance(inner, dict):
                continue
            if member_identity is not None and member_identity in chain:
                # A parent that lists this very schema among its alternatives.
                inner = {k: v for k, v in inner.items() if k not in ("oneOf", "anyOf")}
            flat, _, _ = self._flatten(
                inner, (*chain, member_identity) if member_identity else chain
            )
            merged = merge_schemas(merged, flat)
        return merged, chain, identity

    def _schema_example(self, schema: dict[str, Any]) -> Any:
        if "example" in schema:
            return schema["example"]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        if "default" in schema and not self.dynamic:
            return schema["default"]
        return _NONE

    def _pick(self, options: list[Any]) -> Any:
        return self.rng.choice(options) if self.dynamic else options[0]

    def _pick_enum(self, values: list[Any]) -> Any:
        non_null = [v for v in values if v is not None]
        return self._pick(non_null or values)

    # -- combinators ---------------------------------------------------------------

    def _alternative(
        self,
        schema: dict[str, Any],
        alternatives: list[tuple[str, list[Any]]],
        depth: int,
        chain: tuple[str, ...],
    ) -> Any:
        discriminator = (
            schema.get("discriminator") if isinstance(schema.get("discriminator"), dict) else None
        )
        exclusive = [b for k, b in alternatives if k == "oneOf" and len(b) > 1]
        if discriminator is None and len(alternatives) == 1 and exclusive:
            return self._exactly_one(schema, exclusive[0], depth, chain)
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "x-ck-also")}
        forced: dict[str, Any] = {}
        for _, branches in alternatives:
            branch = self._choose_branch(branches)
            if discriminator is not None and isinstance(discriminator.get("propertyName"), str):
                branch, label = self._discriminated(discriminator, branches, branch)
                if label is not None:
                    forced[discriminator["propertyName"]] = label
            flat, chain, _ = (
                self._flatten(branch, chain) if isinstance(branch, dict) else ({}, chain, None)
            )
            base = merge_schemas(base, flat)
        # The parent's examples describe the whole union, not the chosen branch.
        base = {k: v for k, v in base.items() if k not in ("example", "examples", "default")}
        value = self._resolved(base, depth, chain, None) if base else self._any()
        if forced and isinstance(value, dict):
            value.update(forced)
        return value

    def _exactly_one(
        self, schema: dict[str, Any], branches: list[Any], depth: int, chain: tuple[str, ...]
    ) -> Any:
        """A value that matches exactly one ``oneOf`` branch (tried branch by branch)."""
        order = list(branches)
        if self.dynamic:
            self.rng.shuffle(order)
        order.sort(key=lambda b: isinstance(b, dict) and b.get("type") == "null")
        value: Any = None
        for attempt in range(len(order) * 2):
            branch = order[attempt % len(order)]
            trial = {k: v for k, v in schema.items() if k != "oneOf"}
            value = self._alternative(trial, [("anyOf", [branch])], depth, chain)
            if sum(self.compiled.matches(b, value) for b in branches) == 1:
                return value
            if attempt >= len(order) - 1:
                self.dynamic = True
        return value

    def _choose_branch(self, branches: list[Any]) -> Any:
        usable = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        return self._pick(usable or branches)

    def _discriminated(
        self, discriminator: dict[str, Any], branches: list[Any], branch: Any
    ) -> tuple[Any, str | None]:
        mapping = discriminator.get("mapping")
        if isinstance(mapping, dict) and mapping:
            refs = {b.get("$ref") for b in branches if isinstance(b, dict)}
            entries = [(label, ref) for label, ref in mapping.items() if ref in refs] or list(
                mapping.items()
            )
            label, ref = self._pick(entries)
            return {"$ref": ref}, label
        if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
            target = self.compiled.deref({"$ref": branch["$ref"]})
            if isinstance(target, dict) and isinstance(target.get("x-ck-name"), str):
                return branch, target["x-ck-name"]
        return branch, None

    # -- typed values --------------------------------------------------------------

    def _typed(
        self, schema: dict[str, Any], depth: int, chain: tuple[str, ...], identity: str | None
    ) -> Any:
        kind = self._type_of(schema)
        if kind == "object":
            return self._object(schema, depth, chain, identity)
        if kind == "array":
            return self._array(schema, depth, chain)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return self._integer(schema)
        if kind == "number":
            return self._number(schema)
        if kind == "boolean":
            return self.rng.random() < 0.5 if self.dynamic else True
        if kind == "null":
            return None
        return self._any()

    def _type_of(self, schema: dict[str, Any]) -> str | None:
        kind = schema.get("type")
        if isinstance(kind, list):
            options = [k for k in kind if k != "null"] or kind
            kind = self._pick(options) if options else None
        if isinstance(kind, str):
            return kind
        for hints, name in (
            (_OBJECT_HINTS, "object"),
            (_ARRAY_HINTS, "array"),
            (_STRING_HINTS, "string"),
            (_NUMBER_HINTS, "number"),
        ):
            if any(h in schema for h in hints):
                return name
        return None

    def _any(self) -> Any:
        return self.rng.choice(_WORDS) if self.dynamic else "string"

    def _object(
        self, schema: dict[str, Any], depth: int, chain: tuple[str, ...], identity: str | None
    ) -> dict[str, Any]:
        properties = mapping_at(schema, "properties")
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        limit = schema.get("maxProperties")
        out: dict[str, Any] = {}
        for name in required:
            out[name] = self._property(schema, properties, name, depth, chain)
        shallow = depth < self.max_depth and not self.minimal
        for name, sub in properties.items():
            if name in out or (limit is not None and len(out) >= limit):
                continue
            if not shallow or self._is_hidden(sub) or self._impossible(sub):
                continue
            if self.dynamic and self.rng.random() < 0.3:
                continue
            out[name] = self.generate(sub, depth + 1, chain)
        self._fill_minimum(schema, out, depth, chain)
        self._discriminator_label(schema, out, identity)
        return out

    def _property(
        self,
        schema: dict[str, Any],
        properties: dict[str, Any],
        name: str,
        depth: int,
        chain: tuple[str, ...],
    ) -> Any:
        if name in properties:
            return self.generate(properties[name], depth + 1, chain)
        extra = schema.get("additionalProperties")
        return self.generate(extra if isinstance(extra, dict) else True, depth + 1, chain)

    def _impossible(self, sub: Any) -> bool:
        """Whether an optional property's schema admits no value (conflicting ``allOf`` types)."""
        if not isinstance(sub, dict):
            return sub is False
        return self._flatten(sub, ())[0].get("type") == []

    def _is_hidden(self, sub: Any) -> bool:
        resolved = self.compiled.deref(sub)
        return isinstance(resolved, dict) and resolved.get(self.hidden) is True

    def _fill_minimum(
        self, schema: dict[str, Any], out: dict[str, Any], depth: int, chain: tuple[str, ...]
    ) -> None:
        extra = schema.get("additionalProperties")
        minimum = schema.get("minProperties", 0)
        wants_entry = (
            not schema.get("properties")
            and isinstance(extra, dict)
            and depth < self.max_depth
            and not out
            and not self.minimal
        )
        if extra is False or (len(out) >= minimum and not wants_entry):
            return
        names = schema.get("propertyNames")
        index = 0
        while (len(out) < max(minimum, 1 if wants_entry else 0)) and index < 32:
            index += 1
            key = f"key{index}"
            if isinstance(names, dict) and isinstance(names.get("pattern"), str):
                key = string_for_pattern(names["pattern"], self.rng) or key
            if key not in out:
                out[key] = self.generate(
                    extra if isinstance(extra, dict) else True, depth + 1, chain
                )

    def _discriminator_label(
        self, schema: dict[str, Any], out: dict[str, Any], identity: str | None
    ) -> None:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict) or identity is None:
            return
        name = discriminator.get("propertyName")
        if not isinstance(name, str):
            return
        mapping = mapping_at(discriminator, "mapping")
        label = next((k for k, ref in mapping.items() if ref == identity), None)
        if label is None:
            target = (
                self.compiled.deref({"$ref": identity}) if identity.startswith(DEFS_PREFIX) else {}
            )
            label = target.get("x-ck-name") if isinstance(target, dict) else None
        if isinstance(label, str):
            out[name] = label

    def _array(self, schema: dict[str, Any], depth: int, chain: tuple[str, ...]) -> list[Any]:
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        if depth >= self.max_depth or self.minimal:
            count = low
        elif self.dynamic:
            count = self.rng.randint(low, low + 3)
        else:
            count = max(low, 1)
        if high is not None:
            count = min(count, int(high))
        prefix = list_at(schema, "prefixItems")
        items = schema.get("items", True)
        out: list[Any] = []
        seen: set[str] = set()
        tries = 0
        while len(out) < count and tries < count * 6 + 6:
            tries += 1
            index = len(out)
            if index < len(prefix):
                sub = prefix[index]
            elif items is False:
                break
            else:
                sub = items
            value = self.generate(sub, depth + 1, chain)
            if schema.get("uniqueItems"):
                marker = json.dumps(value, sort_keys=True, default=str)
                if marker in seen:
                    self.dynamic = True
                    continue
                seen.add(marker)
            out.append(value)
        contains = schema.get("contains")
        if isinstance(contains, dict) and (high is None or len(out) < high or out):
            candidate = self.generate(contains, depth + 1, chain)
            if out and high is not None and len(out) >= high:
                out[0] = candidate
            else:
                out.insert(0, candidate)
        return out

    def _string(self, schema: dict[str, Any]) -> str:
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            found = string_for_pattern(pattern, self.rng, low, high)
            if found is not None:
                return found
        text = (
            value_for_format(fmt, self.rng if self.dynamic else None)
            if isinstance(fmt, str)
            else None
        )
        if text is None:
            text = " ".join(self.rng.sample(_WORDS, 2)) if self.dynamic else "string"
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[: int(high)]
        return text

    def _bounds(self, schema: dict[str, Any], integer: bool) -> tuple[float | None, float | None]:
        low = schema.get("minimum")
        high = schema.get("maximum")
        floor = schema.get("exclusiveMinimum")
        ceiling = schema.get("exclusiveMaximum")
        floor = floor if isinstance(floor, (int, float)) and not isinstance(floor, bool) else None
        ceiling = (
            ceiling if isinstance(ceiling, (int, float)) and not isinstance(ceiling, bool) else None
        )
        step: float = 1
        if not integer and floor is not None and ceiling is not None:
            step = min(1.0, (ceiling - floor) / 2)
        if floor is not None:
            low = floor + step if low is None else max(low, floor + step)
        if ceiling is not None:
            high = ceiling - step if high is None else min(high, ceiling - step)
        return low, high

    def _integer(self, schema: dict[str, Any]) -> int:
        low, high = self._bounds(schema, integer=True)
        lo = math.ceil(low) if low is not None else None
        hi = math.floor(high) if high is not None else None
        anchor = (
            min(max(0, lo if lo is not None else 0), hi if hi is not None else 0)
            if hi is not None and hi < 0
            else max(0, lo if lo is not None else 0)
        )
        if self.dynamic:
            end = anchor + 1000 if hi is None else min(hi, anchor + 1000)
            start = anchor if end >= anchor else (lo if lo is not None else end - 1000)
            value = self.rng.randint(start, max(start, end))
        else:
            value = anchor
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and multiple > 0:
            value = int(math.ceil(value / multiple) * multiple)
            if hi is not None and value > hi:
                value = int(math.floor(hi / multiple) * multiple)
        return int(value)

    def _number(self, schema: dict[str, Any]) -> float | int:
        low, high = self._bounds(schema, integer=False)
        anchor = max(0.0, low) if low is not None else 0.0
        if high is not None and high < anchor:
            anchor = high if low is None else max(low, high - 1000.0)
        if self.dynamic:
            end = anchor + 1000.0 if high is None else min(high, anchor + 1000.0)
            value: float = round(self.rng.uniform(anchor, max(anchor, end)), 2)
            if (low is not None and value < low) or (high is not None and value > high):
                value = (anchor + end) / 2
        else:
            value = anchor
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and multiple > 0:
            value = math.ceil(value / multiple) * multiple
            if high is not None and value > high:
                value = math.floor(high / multiple) * multiple
            if isinstance(multiple, int):
                return int(value)
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


_NONE = object()


def generate_valid(
    compiled: CompiledSchema, rng: random.Random, dynamic: bool = False
) -> tuple[Any, bool]:
    """A value for ``compiled`` and whether it validates; tries several ways before giving up."""
    value: Any = None
    for attempt in range(_ATTEMPTS):
        generator = Generator(
            compiled,
            rng,
            dynamic=dynamic or attempt >= 2,
            use_examples=attempt == 0 and not dynamic,
            max_depth=4 if attempt < 3 else 2,
        )
        value = generator.value()
        if compiled.is_valid(value):
            return value, True
        if attempt == 1:
            repaired = _drop_failing_members(compiled, value)
            if repaired is not None:
                return repaired, True
    return value, False


def generate_minimal(compiled: CompiledSchema, rng: random.Random) -> tuple[Any, bool]:
    """A value with only what ``compiled`` requires (no invented optional members) and
    whether it validates; a fuller valid value when the minimal one does not."""
    value = Generator(compiled, rng, minimal=True).value()
    if compiled.is_valid(value):
        return value, True
    return generate_valid(compiled, rng)


def _drop_failing_members(compiled: CompiledSchema, value: Any, rounds: int = 8) -> Any:
    """``value`` without the (optional) members that break the schema, if that makes it valid."""
    for _ in range(rounds):
        errors = compiled.errors(value, limit=10)
        if not errors:
            return value
        changed = False
        for path, _message in errors:
            parts = path.split(".") if path else []
            if not parts:
                continue
            parent = value
            for part in parts[:-1]:
                parent = (
                    parent[int(part)]
                    if isinstance(parent, list) and part.isdigit()
                    else (parent.get(part) if isinstance(parent, dict) else None)
                )
            if isinstance(parent, dict) and parts[-1] in parent:
                del parent[parts[-1]]
                changed = True
        if not changed:
            return None
    return value if compiled.is_valid(value) else None


def flatten_schema(compiled: CompiledSchema, node: Any) -> dict[str, Any]:
    """``node`` dereferenced with its ``allOf`` merged (alternatives left in place)."""
    if not isinstance(node, dict):
        return {}
    return Generator(compiled, _FLATTENING_RNG)._flatten(node, ())[0]


_FLATTENING_RNG = random.Random(0)
"""Handed to the generators that only flatten, which draw nothing from it (seeding a fresh
one costs more than the flattening)."""
