"""The operations a document marks ``x-addition``: not in the published API it describes.

``contractkit lint --additions`` lists them (information, not findings): the marker is
``x-addition: true`` or a sentence saying why the operation was added, on the operation, or
on the document's ``info`` for every operation of the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractkit.openapi import HTTP_METHODS, SpecError, is_openapi_document, load_file
from contractkit.openapi.loader import spec_files_in

MARKER = "x-addition"


@dataclass(frozen=True)
class Addition:
    """One operation marked as an addition, and the reason given (if any)."""

    file: Path
    method: str
    path: str
    operation_id: str | None
    reason: str | None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "method": self.method.upper(),
            "path": self.path,
            "operationId": self.operation_id,
            "reason": self.reason,
        }


def _reason(marker: Any) -> str | None:
    return marker.strip() if isinstance(marker, str) and marker.strip() else None


def _marked(marker: Any) -> bool:
    return marker is True or _reason(marker) is not None


def additions_in_document(file: Path) -> list[Addition]:
    """The marked operations of one document, in document order."""
    document = load_file(file)
    if not isinstance(document, dict) or not is_openapi_document(document):
        return []
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    whole = info.get(MARKER) if isinstance(info, dict) else None
    found: list[Addition] = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            marker = operation.get(MARKER, whole)
            if not _marked(marker):
                continue
            reason = _reason(marker) or _reason(whole)
            operation_id = operation.get("operationId")
            found.append(
                Addition(
                    file,
                    method,
                    str(path),
                    operation_id if isinstance(operation_id, str) else None,
                    reason,
                )
            )
    return found


def additions(paths: Iterable[Path | str]) -> list[Addition]:
    """The marked operations of the given documents and folders (unreadable ones skipped:
    the lint rules report them)."""
    found: list[Addition] = []
    for raw in paths:
        path = Path(raw)
        files = spec_files_in(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            try:
                found.extend(additions_in_document(file))
            except SpecError:
                continue
    return found


def render_additions(found: list[Addition]) -> str:
    """The listing printed after the findings."""
    if not found:
        return "No operations are marked x-addition.\n"
    lines = [f"Additions ({len(found)} operations marked x-addition, not in the published API):"]
    current: Path | None = None
    for addition in found:
        if addition.file != current:
            current = addition.file
            lines.append(str(current))
        line = f"  info    {addition.label}"
        if addition.operation_id:
            line += f"  ({addition.operation_id})"
        if addition.reason:
            line += f"  {addition.reason}"
        lines.append(line)
    return "\n".join(lines) + "\n"
