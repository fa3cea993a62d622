"""Compiling OpenAPI schema objects into self-contained JSON Schema 2020-12.

Each compiled schema carries, in ``$defs``, exactly the referenced schemas it reaches
(also across files, also circular ones), converted once and shared between all the
schemas that use them. The 3.0/2.0 dialect (``nullable``, boolean exclusive bounds,
``x-nullable``, ``type: file``) is translated, and ``readOnly``/``writeOnly`` properties
stop being required in the direction where they are absent. Validators are built on
first use and cached, which keeps start-up on huge documents cheap.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs

from contractkit.openapi.errors import SpecError
from contractkit.openapi.pointers import Pointer, escape_token, unescape_token
from contractkit.openapi.workspace import Located, Workspace

REQUEST = "request"
RESPONSE = "response"
DEFS_PREFIX = "#/$defs/"

_MAP_KEYS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")
_ONE_KEYS = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)
_DROPPED = ("$id", "$schema", "$anchor", "$dynamicAnchor", "$comment")
_REF_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "default", "deprecated"}
    | {"readOnly", "writeOnly", "nullable"}
)
_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _any_string(_value: str) -> bool:
    return True


_TIME = re.compile(
    r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"  # hh:mm:ss, fraction
    r"([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?"  # offset, optional
)


def _is_time(value: str) -> bool:
    """RFC 3339 ``full-time``, its offset optional (as ajv-formats and the ``hh:mm:ss`` of
    older drafts read ``time``): ``09:30:00``, ``09:30:00.5Z``, ``09:30:00+02:00``."""
    return _TIME.fullmatch(value) is not None


OPENAPI_FORMATS: dict[str, Callable[[str], bool]] = {
    "byte": _is_base64,
    "time": _is_time,
    "binary": _any_string,
    "password": _any_string,
    "int32": _any_string,
    "int64": _any_string,
    "float": _any_string,
    "double": _any_string,
}


_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")


def _escape_literal_braces(pattern: str) -> str:
    """``pattern`` with braces that are not quantifiers escaped (``{[0-9]{4}}`` reads the
    outer braces literally in Python and most engines, not in strict ECMA-262 ones)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        quantifier = _QUANTIFIER.match(pattern, index) if char == "{" else None
        if quantifier is not None:
            out.append(quantifier.group(0))
            index = quantifier.end()
            continue
        out.append("\\" + char if char in "{}" else char)
        index += 1
    return "".join(out)


def _pattern_works(pattern: str) -> bool:
    try:
        jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except (jsonschema_rs.ValidationError, ValueError):
        return False
    return True


def _repaired_patterns(node: Any) -> Any:
    """``node`` with every ``pattern`` the validator cannot compile rewritten (literal braces
    escaped) or, failing that, left out (the value is then not checked against it)."""
    if isinstance(node, list):
        return [_repaired_patterns(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _repaired_patterns(value) for key, value in node.items()}
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not _pattern_works(pattern):
        escaped = _escape_literal_braces(pattern)
        if _pattern_works(escaped):
            result["pattern"] = escaped
        else:
            del result["pattern"]
    return result


_MAX_REPAIRS = 64


def _without(node: Any, path: list[Any]) -> Any:
    """``node`` (copied along ``path`` only) without the member at ``path``."""
    if not path:
        return {}
    head, rest = path[0], path[1:]
    if isinstance(node, dict) and head in node:
        if not rest:
            return {key: value for key, value in node.items() if key != head}
        return {**node, head: _without(node[head], rest)}
    if isinstance(node, list) and isinstance(head, int) and 0 <= head < len(node):
        if not rest:
            return node[:head] + node[head + 1 :]
        return [*node[:head], _without(node[head], rest), *node[head + 1 :]]
    return node


def build_validator(schema: Any) -> Any:
    """A jsonschema-rs validator for ``schema``, its unusable parts repaired or left out.

    Patterns the validator cannot compile are rewritten (see :func:`_repaired_patterns`);
    then whatever else breaks the 2020-12 meta-schema (a ``properties`` entry that is not a
    schema, a ``type`` no validator knows...) is left out, one member at a time, so that a
    defect of the document costs that one constraint and never the answer.
    """
    try:
        return jsonschema_rs.Draft202012Validator(
            schema, validate_formats=True, formats=OPENAPI_FORMATS
        )
    except jsonschema_rs.ValidationError:
        schema = _repaired_patterns(schema)
    for _ in range(_MAX_REPAIRS):
        try:
            return jsonschema_rs.Draft202012Validator(
                schema, validate_formats=True, formats=OPENAPI_FORMATS
            )
        except jsonschema_rs.ValidationError as error:
            path = list(error.instance_path)
            if not path:
                break
            schema = _without(schema, path)
    return jsonschema_rs.Draft202012Validator({})


class CompiledSchema:
    """A self-contained 2020-12 schema, its validator (lazy) and helpers to walk it."""

    __slots__ = ("__dict__", "direction", "schema")

    def __init__(self, schema: Any, direction: str) -> None:
        self.schema = schema
        self.direction = direction

    @cached_property
    def validator(self) -> Any:
        """The jsonschema-rs validator of this schema (built once)."""
        return build_validator(self.schema)

    def is_valid(self, instance: Any) -> bool:
        """Whether ``instance`` conforms."""
        return bool(self.validator.is_valid(instance))

    def errors(self, instance: Any, limit: int = 20) -> list[tuple[str, str]]:
        """Up to ``limit`` violations as (dotted instance path, message).

        When no alternative of an ``anyOf``/``oneOf`` matches, the errors of the closest
        alternative are reported instead of one opaque message.
        """
        found: list[tuple[str, str]] = []
        for error in self.validator.iter_errors(instance):
            found.extend(_describe(error))
            if len(found) >= limit:
                break
        return found[:limit]

    def matches(self, node: Any, instance: Any) -> bool:
        """Whether ``instance`` conforms to ``node``, a subschema of this schema."""
        if isinstance(node, bool):
            return node
        validators = self.__dict__.setdefault("_sub_validators", {})
        cached = validators.get(id(node))
        validator = cached[1] if cached is not None and cached[0] is node else None
        if validator is None:
            defs = self.schema.get("$defs", {}) if isinstance(self.schema, dict) else {}
            standalone = {**node, "$defs": {**defs, **node.get("$defs", {})}}
            validator = build_validator(standalone)
            validators[id(node)] = (node, validator)
        return bool(validator.is_valid(instance))

    def subschema(self, node: Any) -> CompiledSchema:
        """``node`` (a part of this schema) as a schema of its own, sharing the ``$defs``."""
        if node is self.schema:
            return self
        cache: dict[int, tuple[Any, CompiledSchema]] = self.__dict__.setdefault("_subschemas", {})
        cached = cache.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        standalone = node
        if isinstance(node, dict):
            defs = self.schema.get("$defs", {}) if isinstance(self.schema, dict) else {}
            standalone = {**node, "$defs": {**defs, **node.get("$defs", {})}}
        compiled = CompiledSchema(standalone, self.direction)
        cache[id(node)] = (node, compiled)
        return compiled

    def deref(self, node: Any, limit: int = 64) -> Any:
        """Follow local ``$ref`` chains that point into this schema's ``$defs``."""
        defs = self.schema.get("$defs", {}) if isinstance(self.schema, dict) else {}
        for _ in range(limit):
            if not isinstance(node, dict):
                return node
            ref = node.get("$ref")
            if not (isinstance(ref, str) and ref.startswith(DEFS_PREFIX)):
                return node
            target = defs.get(unescape_token(ref[len(DEFS_PREFIX) :]))
            if target is None:
                return {}
            if len(node) > 1:
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                return {"allOf": [target, siblings]}
            node = target
        return {}


def _describe(error: Any, depth: int = 0) -> list[tuple[str, str]]:
    kind = error.kind
    name = type(kind).__name__
    branches = getattr(kind, "context", None) if name in ("AnyOf", "OneOfNotValid") else None
    if branches and depth < 4:
        here = list(error.instance_path)
        ranked = sorted(
            branches,
            key=lambda branch: (_mismatched_tag(branch), _other_kind(branch, here), len(branch)),
        )
        if ranked and ranked[0]:
            return [item for sub in ranked[0] for item in _describe(sub, depth + 1)]
    parts = [str(part) for part in error.instance_path]
    missing = getattr(kind, "property", None)
    if name == "Required" and isinstance(missing, str):
        parts.append(missing)
    return [(".".join(parts), error.message)]


def _other_kind(branch: list[Any], here: list[Any]) -> bool:
    """Whether an alternative fails only because the value is of another type altogether
    (the ``{type: 'null'}`` of a nullable object): the least telling explanation."""
    return all(type(e.kind).__name__ == "Type" and list(e.instance_path) == here for e in branch)


def _mismatched_tag(branch: list[Any]) -> bool:
    """Whether an alternative fails on a const/enum (its discriminator names another branch)."""
    return any(type(e.kind).__name__ in ("Constant", "Enum") for e in branch)


class SchemaCompiler:
    """Converts and caches schemas of one workspace; one instance per mock."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._keys: dict[tuple[Path, Pointer, str], str] = {}
        self._targets: dict[str, tuple[Located, str]] = {}
        self._converted: dict[str, tuple[Any, frozenset[str]]] = {}
        self._compiled: dict[tuple[Path, Pointer, str], CompiledSchema] = {}
        self._counter = 0

    def compile(self, located: Located, direction: str) -> CompiledSchema:
        """The compiled form of the schema at ``located``, cached by location."""
        cache_key = (located.file, located.pointer, direction)
        cached = self._compiled.get(cache_key)
        if cached is not None:
            return cached
        deps: set[str] = set()
        root = self._convert(located.node, located.file, direction, deps)
        defs = self._closure(deps)
        if isinstance(root, dict):
            if defs:
                root = {**root, "$defs": {**root.get("$defs", {}), **defs}}
        elif root is None:
            root = {}
        compiled = CompiledSchema(root, direction)
        self._compiled[cache_key] = compiled
        return compiled

    def compile_value(self, node: Any, file: Path, direction: str) -> CompiledSchema:
        """Compile a schema that has no stable location (not cached)."""
        deps: set[str] = set()
        root = self._convert(node, file, direction, deps)
        defs = self._closure(deps)
        if isinstance(root, dict) and defs:
            root = {**root, "$defs": {**root.get("$defs", {}), **defs}}
        return CompiledSchema(root if root is not None else {}, direction)

    # -- references -----------------------------------------------------------------

    def _key_for(self, ref: str, base: Path, direction: str) -> str:
        target = self.workspace.resolve(ref, base)
        ident = (target.file, target.pointer, direction)
        key = self._keys.get(ident)
        if key is None:
            self._counter += 1
            name = target.pointer[-1] if target.pointer else target.file.stem
            key = f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)[:48]}-{self._counter}"
            self._keys[ident] = key
            self._targets[key] = (target, direction)
        return key

    def _closure(self, deps: set[str]) -> dict[str, Any]:
        defs: dict[str, Any] = {}
        pending = list(deps)
        while pending:
            key = pending.pop()
            if key in defs:
                continue
            converted = self._converted.get(key)
            if converted is None:
                target, direction = self._targets[key]
                own: set[str] = set()
                node = self._convert(target.node, target.file, direction, own)
                if isinstance(node, dict) and _is_named_schema(target.pointer):
                    node = {**node, "x-ck-name": target.pointer[-1]}
                converted = (node, frozenset(own))
                self._converted[key] = converted
            defs[key] = converted[0]
            pending.extend(k for k in converted[1] if k not in defs)
        return defs

    # -- conversion -----------------------------------------------------------------

    def _convert(self, node: Any, file: Path, direction: str, deps: set[str]) -> Any:
        if not isinstance(node, dict):
            return node
        dialect = self.workspace.version(file)
        if direction == REQUEST and dialect != "3.1" and isinstance(node.get("$ref"), str):
            # Before 3.1 a Reference Object stands for its target: what is written beside
            # the $ref is not part of the schema (rate: {$ref: Amount, type: number} is an
            # Amount), and requests are read so. Answers keep the siblings, which several
            # validators apply: generated data then satisfies both readings where it can.
            # Annotations are kept, and nullable, which lenient readers honour.
            node = {
                key: value
                for key, value in node.items()
                if key == "$ref" or key in _REF_ANNOTATIONS or key.startswith("x-")
            }
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                try:
                    ref_key = self._key_for(value, file, direction)
                except SpecError:
                    continue
                deps.add(ref_key)
                out["$ref"] = DEFS_PREFIX + escape_token(ref_key)
            elif key in _MAP_KEYS and isinstance(value, dict):
                members, members_file = self._map_of(value, file)
                out[key] = {
                    name: self._convert(sub, members_file, direction, deps)
                    for name, sub in members.items()
                }
            elif key in _LIST_KEYS and isinstance(value, list):
                out[key] = [self._convert(sub, file, direction, deps) for sub in value]
            elif key in _ONE_KEYS:
                if key == "items" and isinstance(value, list):
                    out["prefixItems"] = [self._convert(s, file, direction, deps) for s in value]
                else:
                    out[key] = self._convert(value, file, direction, deps)
            elif key == "discriminator":
                out[key] = self._discriminator(value, file, direction, deps)
            elif key not in _DROPPED:
                out[key] = value
        if "discriminator" in out and "oneOf" in out:
            # The discriminator, not exclusivity, picks the branch: overlapping branches
            # are common and must not make valid payloads fail.
            out["anyOf"] = out.pop("oneOf")
        if dialect != "3.1":
            _translate_dialect(out)
        else:
            # 3.0 habits survive in many 3.1 documents: read them as 3.0 meant them.
            _translate_exclusive_flags(out)
            if out.get("nullable") is True:
                _make_nullable(out)
        if isinstance(out.get("required"), list):
            # Listed twice is still required once (2020-12 wants the names unique).
            out["required"] = list(dict.fromkeys(out["required"]))
        if "required" in out and isinstance(out.get("properties"), dict):
            out["required"] = self._required(out, file, direction)
        return out

    def _map_of(self, value: dict[str, Any], file: Path) -> tuple[dict[str, Any], Path]:
        """A map of schemas (``properties``...) and the file it is read in: written in place,
        or (not in the specification, yet common in documents split into files) a ``$ref``
        to the whole map, which is then read where it points."""
        ref = value.get("$ref")
        if len(value) != 1 or not isinstance(ref, str):
            return value, file
        try:
            target = self.workspace.resolve(ref, file)
        except SpecError:
            return {}, file
        return (target.node, target.file) if isinstance(target.node, dict) else ({}, file)

    def _discriminator(self, value: Any, file: Path, direction: str, deps: set[str]) -> Any:
        if isinstance(value, str):
            return {"propertyName": value}
        if not isinstance(value, dict):
            return value
        mapping = value.get("mapping")
        if not isinstance(mapping, dict):
            return value
        converted: dict[str, str] = {}
        for name, target in mapping.items():
            ref = str(target)
            if "#" not in ref and "/" not in ref and "." not in ref:
                ref = f"#/components/schemas/{ref}"
            try:
                ref_key = self._key_for(ref, file, direction)
            except SpecError:
                continue
            deps.add(ref_key)
            converted[str(name)] = DEFS_PREFIX + escape_token(ref_key)
        return {**value, "mapping": converted}

    def _required(self, schema: dict[str, Any], file: Path, direction: str) -> list[Any]:
        hidden = "readOnly" if direction == REQUEST else "writeOnly"
        properties = schema["properties"]
        required = schema["required"] if isinstance(schema["required"], list) else []
        kept = []
        for name in required:
            sub = properties.get(name)
            if isinstance(sub, dict) and self._flag(sub, hidden, file):
                continue
            kept.append(name)
        return kept

    def _flag(self, sub: dict[str, Any], flag: str, file: Path) -> bool:
        if sub.get(flag) is True:
            return True
        ref = sub.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
            target = self._targets.get(unescape_token(ref[len(DEFS_PREFIX) :]))
            if target is not None and isinstance(target[0].node, dict):
                return target[0].node.get(flag) is True
        return False


def _is_named_schema(pointer: Pointer) -> bool:
    """Whether ``pointer`` names a schema component (in components/schemas or definitions)."""
    return (len(pointer) == 3 and pointer[:2] == ("components", "schemas")) or (
        len(pointer) == 2 and pointer[0] == "definitions"
    )


def _make_nullable(out: dict[str, Any]) -> None:
    out.pop("nullable", None)
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            out["type"] = [*kind, "null"]
    else:
        rest = dict(out)
        out.clear()
        for keep in ("x-ck-name", "readOnly", "writeOnly", "description"):
            if keep in rest:
                out[keep] = rest[keep]
        out["anyOf"] = [rest, {"type": "null"}]
        return
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]


def _translate_exclusive_flags(out: dict[str, Any]) -> None:
    """Boolean ``exclusiveMinimum``/``exclusiveMaximum`` (3.0) -> numeric bounds, in place."""
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
            else:
                del out[exclusive]


def _translate_dialect(out: dict[str, Any]) -> None:
    """OpenAPI 3.0 / Swagger 2.0 schema keywords -> JSON Schema 2020-12, in place."""
    _translate_exclusive_flags(out)
    if out.get("type") == "file":
        out["type"] = "string"
        out["format"] = "binary"
    fmt = out.get("format")
    if out.get("type") == "integer" and fmt in _INT_BOUNDS:
        low, high = _INT_BOUNDS[fmt]
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = low
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = high
    if out.pop("x-nullable", False) is True:
        out["nullable"] = True
    if out.get("nullable") is True:
        _make_nullable(out)
    else:
        out.pop("nullable", None)
