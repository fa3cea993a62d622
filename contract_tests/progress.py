"""A compact progress display while a run goes on (to stderr by default)."""

from __future__ import annotations

import sys
from typing import TextIO

from schemathesis.engine import Status, events

_MARKS = {Status.SUCCESS: ".", Status.FAILURE: "F", Status.ERROR: "E", Status.SKIP: "s"}
_TESTING_PHASES = {"examples", "coverage", "fuzzing", "stateful"}


class Progress:
    """Prints one line per phase: its name, then one mark per tested operation."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._open_line = False

    def step(self, document: str, name: str) -> None:
        """Announce one of the runner's own passes (CRUD, differential)."""
        self._end_line()
        self.stream.write(f"[{document}] {name}\n")
        self.stream.flush()

    def event(self, document: str, event: events.EngineEvent) -> None:
        """React to one Schemathesis engine event."""
        if isinstance(event, events.PhaseStarted) and event.phase.name.value in _TESTING_PHASES:
            self._end_line()
            self.stream.write(f"[{document}] {event.phase.name.value:<9} ")
            self._open_line = True
        elif isinstance(event, events.ScenarioFinished) and self._open_line:
            self.stream.write(_MARKS.get(event.status, "?"))
        elif isinstance(event, events.PhaseFinished) and self._open_line:
            self.stream.write(f" {event.status.value}\n")
            self._open_line = False
        self.stream.flush()

    def _end_line(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self._open_line = False
