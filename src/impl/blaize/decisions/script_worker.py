"""A QuickJS worker process: runs rule scripts it reads from stdin, one JSON line each.

Started by ``blaize.decisions.script_host`` as ``python -I <this file>``; it imports nothing but
the standard library and ``quickjs``. Request lines:

    {"op": "compile" | "run", "source": ..., "given": <JSON text>, "time_limit_ms": ...,
     "memory_limit_bytes": ...}

Answer lines: ``{"ok": true, "value": <JSON text or null>}`` or
``{"ok": false, "kind": ..., "message": ...}``. The worker ends when stdin closes.

Every request gets a fresh QuickJS context. A script is a function BODY, compiled by
``new Function`` with the parameters ``request, user, requirements, trusted``. QuickJS builds
that function from text, so a body such as ``}); (function () {`` could close it early: the
compiled function's source must be exactly the body wrapped, else it is a SyntaxError.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import quickjs

PARAMETERS = ("request", "user", "requirements", "trusted")
STACK_LIMIT_BYTES = 256 * 1024
WRAPPER_LINES = 2
"""Lines ``new Function`` puts before the body (its line numbers are shifted by these)."""
UNREADABLE_ERROR = "(Failed obtaining QuickJS error string"
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
_COMPILER = f"(function (source) {{ {_COMPILE} compile(source); return null; }})"
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


def _script_line(text: str, source: str) -> int | None:
    """The line of ``source`` an engine message points at, if it names one."""
    match = _LINE.search(text)
    if match is None:
        return None
    line = int(match.group(1)) - WRAPPER_LINES
    return min(max(line, 1), source.count("\n") + 1)


def _failure(exc: Exception, request: dict[str, Any]) -> dict[str, Any]:
    """The answer an engine exception stands for."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else "null"
    if "out of memory" in first or first == "null" or first.startswith(UNREADABLE_ERROR):
        # When even the error (or its text) cannot be allocated, QuickJS throws null, or
        # quickjs cannot read the error's text.
        limit = request["memory_limit_bytes"]
        return {
            "ok": False,
            "kind": "memory",
            "message": f"exceeded the memory limit of {limit} bytes",
        }
    if first == "InternalError: interrupted":
        limit = request["time_limit_ms"]
        return {"ok": False, "kind": "time", "message": f"exceeded the time limit of {limit} ms"}
    if isinstance(exc, quickjs.StackOverflow) or "stack overflow" in first:
        return {
            "ok": False,
            "kind": "stack",
            "message": "exceeded the stack limit (too deep recursion)",
        }
    kind = "syntax" if first.startswith("SyntaxError") else "runtime"
    line = _script_line(text, request["source"])
    return {"ok": False, "kind": kind, "message": f"{first} (line {line})" if line else first}


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Compile or run one script in a fresh context."""
    context = quickjs.Context()
    context.set_time_limit(request["time_limit_ms"] / 1000)
    context.set_memory_limit(request["memory_limit_bytes"])
    context.set_max_stack_size(STACK_LIMIT_BYTES)
    try:
        if request["op"] == "compile":
            value = context.eval(_COMPILER)(request["source"])
        else:
            value = context.eval(_RUNNER)(request["source"], request["given"])
    except quickjs.JSException as exc:
        return _failure(exc, request)
    except Exception as exc:  # the binding failed around the engine, e.g. on odd text
        return {"ok": False, "kind": "runtime", "message": f"the engine failed: {exc}"}
    return {"ok": True, "value": value}


def main() -> None:
    for line in sys.stdin:
        answer = handle(json.loads(line))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
