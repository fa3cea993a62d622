"""What a lint rule reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: where (file, and a JSON pointer or ``METHOD /path``), which rule, what."""

    severity: Severity
    file: Path
    location: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        data = asdict(self)
        data["file"] = str(self.file)
        return data

    def sort_key(self) -> tuple[str, str, str, str]:
        return (str(self.file), self.location, self.rule, self.message)
