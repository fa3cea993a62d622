"""Request-rule scripts, run in a sandboxed JavaScript engine limited in time and memory.

Engine: QuickJS through the ``quickjs`` package, evaluated against ``mini-racer`` (V8):

* quickjs has no std/os modules, timers, ``console`` or ``fetch``; ``import()`` cannot load a
  module; a fresh runtime costs well under a millisecond, and the wheel 6 MB (V8: 80 MB).
* Both stop a runaway loop (quickjs counts CPU time in its interrupt handler). mini-racer's
  ``max_memory`` is a soft limit: an allocation loop ran on for over 20 s in our trial, and a
  terminated context logged an "Event loop is closed" callback error. quickjs' memory limit
  is a hard malloc limit.
* But quickjs has weak spots, found in our trials: it can SIGSEGV when a script exhausts its
  memory inside a function (its out-of-memory path builds a backtrace from a half-made error
  object), a lone surrogate passed in crashes it too, and its time limit does not reach inside
  regular-expression matching (``/^(a|aa)+$/.test(...)`` runs for ever).

Chosen: quickjs, run in worker processes (``blaize.decisions.script_host``, the engine side in
``blaize.decisions.script_worker``): a crash costs a worker, not the server, and a wall-clock
deadline kills a worker stuck in a regular expression. Every run gets a fresh context, so
nothing leaks between runs. Inputs travel as one JSON text parsed inside the engine, never
pasted into code; the result comes back as JSON text. QuickJS throws null when it cannot even
allocate an error, so a script that throws null itself is reported as out of memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contractkit.impl.blaize.decisions.script_host import HOST, OwnerBusy, WorkerLost
from contractkit.impl.errors import ApiError

DEADLINE_SECONDS = 2.0
DEADLINE_FACTOR = 10
"""A worker that has not answered after ``DEADLINE_SECONDS + DEADLINE_FACTOR x time limit`` of
wall time is killed (the CPU time limit does not reach inside QuickJS's regular expressions)."""
QUEUE_FACTOR = 5
QUEUE_MINIMUM_SECONDS = 0.5
"""How long a run waits for a worker of its tenant's share: ``QUEUE_FACTOR x time limit``, at
least ``QUEUE_MINIMUM_SECONDS``; after that the request is answered 429."""


@dataclass(frozen=True)
class ScriptLimits:
    time_limit_ms: int
    memory_limit_bytes: int
    owner: str = ""
    """Whose share of the script workers the runs use (the tenant)."""


class ScriptError(Exception):
    """A script that does not compile, fails, or exceeds a limit; ``str()`` says which."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _is_unicode(value: Any) -> bool:
    """Whether every string in a JSON value is well-formed Unicode (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_unpassable(source: str) -> None:
    """Text the engine cannot take faithfully: NUL ends it early, a lone surrogate crashes it."""
    if "\x00" in source or not _is_unicode(source):
        raise ScriptError("syntax", "the script holds a NUL character or a lone surrogate")


def _hosted(request: dict[str, Any], limits: ScriptLimits) -> Any:
    """The value a worker answers to ``request``, or ScriptError."""
    request = {
        **request,
        "time_limit_ms": limits.time_limit_ms,
        "memory_limit_bytes": limits.memory_limit_bytes,
    }
    deadline = DEADLINE_SECONDS + DEADLINE_FACTOR * limits.time_limit_ms / 1000
    wait = max(QUEUE_MINIMUM_SECONDS, QUEUE_FACTOR * limits.time_limit_ms / 1000)
    try:
        answer = HOST.call(request, deadline, owner=limits.owner, wait=wait)
    except OwnerBusy:
        raise ApiError(
            429,
            "too_many_requests",
            f"This tenant's rule scripts already use their {HOST.per_owner} script worker(s); "
            "retry shortly",
            headers={"Retry-After": "1"},
        ) from None
    except WorkerLost as lost:
        if lost.crashed:
            raise ScriptError(
                "crash",
                "stopped the script engine abnormally (most often by exhausting the memory "
                f"limit of {limits.memory_limit_bytes} bytes)",
            ) from None
        raise ScriptError("time", f"exceeded the time limit of {limits.time_limit_ms} ms") from None
    if not answer["ok"]:
        raise ScriptError(answer["kind"], answer["message"])
    return answer["value"]


def compile_error(source: str, limits: ScriptLimits) -> str | None:
    """Why ``source`` does not compile as a function body, or None when it does."""
    try:
        _refuse_unpassable(source)
        if source:
            _hosted({"op": "compile", "source": source}, limits)
    except ScriptError as exc:
        return str(exc)
    return None


def run_script(source: str, arguments: dict[str, Any], limits: ScriptLimits) -> Any:
    """The JSON value the function body returns (None for null/undefined); else ScriptError."""
    _refuse_unpassable(source)
    try:
        given = json.dumps(arguments, allow_nan=False)
    except ValueError as exc:
        raise ScriptError(
            "runtime", "the inputs hold NaN or Infinity, which JSON cannot carry"
        ) from exc
    if not source:  # an empty body returns undefined: no worker needed to know that
        return None
    output = _hosted({"op": "run", "source": source, "given": given}, limits)
    result = None if output is None else json.loads(output)
    if not _is_unicode(result):
        raise ScriptError("runtime", "returned a string holding a lone surrogate")
    return result
