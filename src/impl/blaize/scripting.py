"""Request-rule scripts, run in a sandboxed JavaScript engine limited in time and memory.

Engine: QuickJS through the ``quickjs`` package. Evaluated against ``mini-racer`` (V8):

* quickjs has no std/os modules, timers, ``console`` or ``fetch``; ``import()`` cannot load a
  module; a runtime costs well under a millisecond and 6 MB on disk. V8 weighs 80 MB.
* Both stop a runaway loop (quickjs counts CPU time, checked by its interrupt handler).
  mini-racer's ``max_memory`` is a soft limit: an allocation loop ran on for over 20 s in
  our trial, and a terminated context logged an "Event loop is closed" callback error.
  quickjs' memory limit is a hard malloc limit; the allocation fails at once. (QuickJS throws
  null when it cannot even allocate the error, so a script that throws null itself is
  reported as out of memory too.)
* quickjs releases the GIL while it runs, so a script does not stall other requests.

Chosen: quickjs. Every run gets a fresh context (contexts are not thread safe and nothing
must leak between runs). A script is a function BODY: it is compiled by ``new Function`` with
the parameters ``request, user, requirements, trusted``. QuickJS builds that function from
text, so a body such as ``}); (function () {`` could close it early: the compiled function's
source must be exactly the body wrapped, else the script is a SyntaxError. Inputs arrive as
one JSON text parsed inside the engine, never pasted into code; the result leaves it as JSON
text too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import quickjs

PARAMETERS = ("request", "user", "requirements", "trusted")
STACK_LIMIT_BYTES = 256 * 1024
_WRAPPER_LINES = 2
"""Lines ``new Function`` puts before the body (its line numbers are shifted by these)."""
_NAMES = ",".join(PARAMETERS)
_COMPILE = f"""function compile(source) {{
  const early = new SyntaxError("the script ends its function early");
  let run;
  try {{
    run = new Function({", ".join(map(json.dumps, PARAMETERS))}, source);
  }} catch (e) {{
    if (e === null || e instanceof SyntaxError || e instanceof InternalError) throw e;
    throw early;
  }}
  if (typeof run !== "function"
      || run.toString() !== "function anonymous({_NAMES}\\n) {{\\n" + source + "\\n}}") {{
    throw early;
  }}
  return run;
}}"""
_COMPILER = f"(function (source) {{ {_COMPILE} compile(source); }})"
_RUNNER = f"""(function (source, input) {{
  {_COMPILE}
  const run = compile(source);
  const given = JSON.parse(input);
  const result = run({", ".join(f"given.{name}" for name in PARAMETERS)});
  if (result !== null && typeof result === "object" && typeof result.then === "function") {{
    throw new TypeError("a rule script must return a value, not a promise");
  }}
  return result === undefined ? "null" : JSON.stringify(result);
}})"""
_LINE = re.compile(r"at (?:anonymous \()?<input>:(\d+)")


@dataclass(frozen=True)
class ScriptLimits:
    time_limit_ms: int
    memory_limit_bytes: int


class ScriptError(Exception):
    """A script that does not compile, fails, or exceeds a limit; ``str()`` says which."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _context(limits: ScriptLimits) -> quickjs.Context:
    context = quickjs.Context()
    context.set_time_limit(limits.time_limit_ms / 1000)
    context.set_memory_limit(limits.memory_limit_bytes)
    context.set_max_stack_size(STACK_LIMIT_BYTES)
    return context


def _script_line(text: str, source: str) -> int | None:
    """The line of ``source`` an engine message points at, if it names one."""
    match = _LINE.search(text)
    if match is None:
        return None
    line = int(match.group(1)) - _WRAPPER_LINES
    return min(max(line, 1), source.count("\n") + 1)


def _translate(exc: Exception, limits: ScriptLimits, source: str) -> ScriptError:
    """The ScriptError an engine exception stands for."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else "null"
    if "out of memory" in first or first == "null":
        # When even the error object cannot be allocated, QuickJS throws null.
        limit = limits.memory_limit_bytes
        return ScriptError("memory", f"exceeded the memory limit of {limit} bytes")
    if first == "InternalError: interrupted":
        return ScriptError("time", f"exceeded the time limit of {limits.time_limit_ms} ms")
    if isinstance(exc, quickjs.StackOverflow) or "stack overflow" in first:
        return ScriptError("stack", "exceeded the stack limit (too deep recursion)")
    kind = "syntax" if first.startswith("SyntaxError") else "runtime"
    line = _script_line(text, source)
    return ScriptError(kind, f"{first} (line {line})" if line else first)


def _refuse_unpassable(source: str) -> None:
    """Text the engine cannot take faithfully: NUL ends it early, a lone surrogate crashes it."""
    if "\x00" in source or not _is_unicode(source):
        raise ScriptError("syntax", "the script holds a NUL character or a lone surrogate")


def _is_unicode(value: Any) -> bool:
    """Whether every string in a JSON value is well-formed Unicode (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def compile_error(source: str, limits: ScriptLimits) -> str | None:
    """Why ``source`` does not compile as a function body, or None when it does."""
    try:
        _refuse_unpassable(source)
    except ScriptError as exc:
        return str(exc)
    context = _context(limits)
    try:
        context.eval(_COMPILER)(source)
    except quickjs.JSException as exc:
        return str(_translate(exc, limits, source))
    return None


def run_script(source: str, arguments: dict[str, Any], limits: ScriptLimits) -> Any:
    """The JSON value the function body returns (None for null/undefined); else ScriptError.

    The inputs travel as ASCII JSON text; the result comes back as JSON text.
    """
    _refuse_unpassable(source)
    context = _context(limits)
    try:
        output = context.eval(_RUNNER)(source, json.dumps(arguments))
    except quickjs.JSException as exc:
        raise _translate(exc, limits, source) from None
    result = None if output is None else json.loads(output)
    if not _is_unicode(result):
        raise ScriptError("runtime", "returned a string holding a lone surrogate")
    return result
