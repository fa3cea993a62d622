"""The one exception type of the OpenAPI tooling."""

from __future__ import annotations

from pathlib import Path


class SpecError(Exception):
    """A document cannot be found, parsed, resolved or bundled.

    ``file`` and ``line`` (1-based) say where, when known; ``str(error)``
    already includes them. ``code`` names the kind of bundling conflict
    (``duplicate-operation``, ``duplicate-operation-id``, ``servers``,
    ``security-scheme``, ...) when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.code = code
        super().__init__(self._render())

    def _render(self) -> str:
        if self.file is None:
            return self.message
        where = str(self.file) if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"
