"""Breaking changes between two versions of a document, for use before a release.

A change breaks existing clients when it removes an operation or a documented success
response, removes or makes optional a field of a success response, changes a response field's
type, adds a required input (parameter, request body or body field), or narrows what an input
accepts (type, enum, lengths, bounds, pattern, format, nullability).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractkit.openapi import Document, Operation

MAX_DEPTH = 12
_UPPER_BOUNDS = ("maxLength", "maxItems", "maximum", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minItems", "minimum", "minProperties")


@dataclass(frozen=True)
class BreakingChange:
    """One incompatible change: its kind, where it is, and what changed."""

    kind: str
    operation: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.operation}{where}: {self.message} [{self.kind}]"


def find_breaking_changes(
    old: dict[str, Any] | Document, new: dict[str, Any] | Document
) -> list[BreakingChange]:
    """Every breaking change from `old` to `new` (parsed documents), in the old one's order."""
    old = old if isinstance(old, Document) else Document.bundled(old)
    new = new if isinstance(new, Document) else Document.bundled(new)
    new_operations = {(op.path, op.method): op for op in new.operations}
    changes: list[BreakingChange] = []
    for old_op in old.operations:
        new_op = new_operations.get((old_op.path, old_op.method))
        if new_op is None:
            changes.append(
                BreakingChange("operation_removed", old_op.label, "", "operation removed")
            )
            continue
        diff = _OperationDiff(old, new, old_op, new_op)
        changes.extend(diff.changes())
    return changes


class _OperationDiff:
    def __init__(self, old: Document, new: Document, old_op: Operation, new_op: Operation):
        self.old, self.new = old, new
        self.old_op, self.new_op = old_op, new_op
        self.found: list[BreakingChange] = []

    def changes(self) -> list[BreakingChange]:
        self._parameters()
        self._request_body()
        self._responses()
        return self.found

    def _add(self, kind: str, location: str, message: str) -> None:
        self.found.append(BreakingChange(kind, self.old_op.label, location, message))

    def _parameters(self) -> None:
        old = {(p.location, p.name): p for p in self.old_op.parameters}
        for parameter in self.new_op.parameters:
            key = (parameter.location, parameter.name)
            location = f"{key[0]} parameter `{key[1]}`"
            before = old.get(key)
            if parameter.required and (before is None or not before.required):
                self._add("new_required_input", location, "parameter is now required")
            if before is not None:
                self._narrowing(
                    self.old.resolve(before.node.get("schema")),
                    self.new.resolve(parameter.node.get("schema")),
                    location,
                    0,
                )

    def _request_body(self) -> None:
        old_body, new_body = self.old_op.request_body, self.new_op.request_body
        if new_body is not None and new_body.required and not (old_body and old_body.required):
            self._add("new_required_input", "request body", "request body is now required")
        old_schema = self.old_op.json_schema()
        new_schema = self.new_op.json_schema()
        if old_schema is not None and new_schema is not None:
            self._narrowing(old_schema, new_schema, "request body", 0)

    def _narrowing(self, old: Any, new: Any, location: str, depth: int) -> None:
        """Report where `new` accepts less than `old` (request side)."""
        if not isinstance(old, dict) or not isinstance(new, dict) or depth > MAX_DEPTH:
            return
        old_type, new_type = old.get("type"), new.get("type")
        if old_type != new_type and new_type is not None and not _widens(old_type, new_type):
            self._add("input_narrowed", location, f"type changed from {old_type} to {new_type}")
        if "enum" in new:
            removed = [value for value in old.get("enum", []) if value not in new["enum"]]
            if "enum" not in old or removed:
                shown = removed if "enum" in old else new["enum"]
                self._add(
                    "input_narrowed",
                    location,
                    f"enum no longer accepts {shown!r}"
                    if "enum" in old
                    else f"now limited to {shown!r}",
                )
        for bound in _UPPER_BOUNDS:
            if bound in new and (bound not in old or new[bound] < old[bound]):
                self._add("input_narrowed", location, f"{bound} lowered to {new[bound]}")
        for bound in _LOWER_BOUNDS:
            if bound in new and (bound not in old or new[bound] > old[bound]):
                self._add("input_narrowed", location, f"{bound} raised to {new[bound]}")
        for keyword in ("pattern", "format"):
            if keyword in new and new[keyword] != old.get(keyword):
                self._add("input_narrowed", location, f"{keyword} is now {new[keyword]!r}")
        if old.get("nullable") and not new.get("nullable"):
            self._add("input_narrowed", location, "null is no longer accepted")
        old_required = set(old.get("required", []))
        for name in new.get("required", []):
            if name not in old_required:
                self._add(
                    "new_required_input", f"{location} field `{name}`", "field is now required"
                )
        old_props, new_props = self.old.properties(old), self.new.properties(new)
        for name in old_props.keys() & new_props.keys():
            self._narrowing(
                old_props[name], new_props[name], f"{location} field `{name}`", depth + 1
            )
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self._narrowing(
                self.old.resolve(old["items"]),
                self.new.resolve(new["items"]),
                f"{location} items",
                depth + 1,
            )

    def _responses(self) -> None:
        new_statuses = set(self.new_op.success_statuses)
        for status in self.old_op.success_statuses:
            if status not in new_statuses:
                self._add("response_removed", f"response {status}", "success response removed")
                continue
            self._response_shape(
                self.old_op.json_schema(status),
                self.new_op.json_schema(status),
                f"response {status}",
                0,
            )

    def _response_shape(self, old: Any, new: Any, location: str, depth: int) -> None:
        """Report where `new` promises clients less than `old` (response side)."""
        if not isinstance(old, dict) or depth > MAX_DEPTH:
            return
        if not isinstance(new, dict):
            self._add("response_field_removed", location, "response body no longer documented")
            return
        if old.get("type") != new.get("type") and new.get("type") is not None:
            self._add(
                "response_type_changed",
                location,
                f"type changed from {old.get('type')} to {new.get('type')}",
            )
            return
        old_props, new_props = self.old.properties(old), self.new.properties(new)
        new_required = set(new.get("required", []))
        for name, old_prop in old_props.items():
            where = f"{location} field `{name}`"
            if name not in new_props:
                self._add("response_field_removed", where, "field removed")
                continue
            if name in old.get("required", []) and name not in new_required:
                self._add("response_field_optional", where, "field is no longer always present")
            self._response_shape(old_prop, new_props[name], where, depth + 1)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self._response_shape(
                self.old.resolve(old["items"]),
                self.new.resolve(new["items"]),
                f"{location} items",
                depth + 1,
            )


def _widens(old_type: Any, new_type: Any) -> bool:
    return bool(old_type == "integer" and new_type == "number")
