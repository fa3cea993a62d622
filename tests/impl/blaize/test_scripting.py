"""The rule-script sandbox: limits, no reach outside the engine, clear errors."""

from __future__ import annotations

import pytest

from contractkit.impl.blaize.decisions.scripting import (
    ScriptError,
    ScriptLimits,
    compile_error,
    run_script,
)

LIMITS = ScriptLimits(time_limit_ms=100, memory_limit_bytes=16 * 1024 * 1024)
ARGUMENTS = {"request": {"path": "/x"}, "user": {"id": None}, "requirements": {}, "trusted": True}


def failure(source: str, arguments: dict | None = None) -> ScriptError:
    with pytest.raises(ScriptError) as raised:
        run_script(source, arguments or ARGUMENTS, LIMITS)
    return raised.value


def test_a_script_is_a_function_body_over_its_four_arguments() -> None:
    source = (
        "return {path: request.path, user: user, trusted: trusted, n: Object.keys(requirements)}"
    )
    assert run_script(source, ARGUMENTS, LIMITS) == {
        "path": "/x",
        "user": {"id": None},
        "trusted": True,
        "n": [],
    }
    assert run_script('return "this is a test"', ARGUMENTS, LIMITS) == "this is a test"
    assert run_script("return []", ARGUMENTS, LIMITS) == []
    assert run_script("", ARGUMENTS, LIMITS) is None
    assert run_script("return undefined", ARGUMENTS, LIMITS) is None


def test_a_runaway_loop_is_stopped_at_the_time_limit() -> None:
    for source in ("while (true) {}", "for (;;) { try { while (true) {} } catch (e) {} }"):
        error = failure(source)
        assert error.kind == "time"
        assert str(error) == "exceeded the time limit of 100 ms"


def test_a_huge_allocation_is_stopped_at_the_memory_limit() -> None:
    for source in (
        "const a = []; while (true) { a.push('x'.repeat(1000) + a.length) }",
        "return new ArrayBuffer(1024 * 1024 * 1024)",
    ):
        error = failure(source)
        assert error.kind in ("memory", "crash"), error
        assert f"memory limit of {16 * 1024 * 1024} bytes" in str(error)


def test_an_engine_crash_costs_a_worker_not_the_server() -> None:
    # QuickJS may SIGSEGV when memory runs out inside a function; the worker dies, not us.
    exhaust = (
        "return (function () { const a = []; while (true) a.push('x'.repeat(999) + a.length) })()"
    )
    kinds = {failure(exhaust).kind for _ in range(6)}
    assert kinds <= {"memory", "crash"}
    assert run_script("return 'still here'", ARGUMENTS, LIMITS) == "still here"


def test_a_runaway_regular_expression_is_stopped_by_the_deadline() -> None:
    # QuickJS's time limit does not reach inside its regular expressions.
    limits = ScriptLimits(time_limit_ms=10, memory_limit_bytes=16 * 1024 * 1024)
    with pytest.raises(ScriptError) as raised:
        run_script("return /^(a|aa)+$/.test('a'.repeat(5000) + '!')", ARGUMENTS, limits)
    assert raised.value.kind == "time"
    assert str(raised.value) == "exceeded the time limit of 10 ms"
    assert run_script("return 1", ARGUMENTS, limits) == 1


def test_deep_recursion_is_stopped() -> None:
    error = failure("function f() { return f() } return f()")
    assert error.kind == "stack"


def test_nothing_outside_the_engine_is_reachable() -> None:
    names = ("require", "fetch", "std", "os", "XMLHttpRequest", "process", "setTimeout", "print")
    source = "return [" + ", ".join(f"typeof {name}" for name in names) + "]"
    assert run_script(source, ARGUMENTS, LIMITS) == ["undefined"] * len(names)
    error = failure("return require('fs')")
    assert error.kind == "runtime"
    assert "'require' is not defined" in str(error)


def test_runs_share_nothing() -> None:
    run_script("globalThis.leaked = 1; return 1", ARGUMENTS, LIMITS)
    assert run_script("return typeof leaked", ARGUMENTS, LIMITS) == "undefined"


def test_syntax_errors_are_found_when_compiling_and_when_running() -> None:
    assert compile_error("return 1 +", LIMITS) is not None
    assert compile_error("return [", LIMITS).startswith("SyntaxError")  # type: ignore[union-attr]
    assert compile_error("return request.path", LIMITS) is None
    assert compile_error("while (true) {}", LIMITS) is None  # compiled, never run
    error = failure("return 1 +")
    assert error.kind == "syntax"


def test_a_script_cannot_leave_its_function_body() -> None:
    assert compile_error("}); (function () {", LIMITS) is not None
    assert compile_error("return 1 }", LIMITS) is not None


def test_inputs_are_data_never_code() -> None:
    hostile = {**ARGUMENTS, "request": {"path": '"); while (true) {} ("'}}
    assert run_script("return request.path", hostile, LIMITS) == hostile["request"]["path"]


def test_runtime_errors_name_their_line() -> None:
    error = failure("const a = 1;\nthrow new Error('boom')")
    assert str(error) == "Error: boom (line 2)"
    assert failure("return missing.field").kind == "runtime"


def test_promises_and_text_the_engine_cannot_take_are_refused() -> None:
    assert "promise" in str(failure("return new Promise(() => 1)"))
    assert "lone surrogate" in str(failure("return String.fromCharCode(0xD800)"))
    assert compile_error("return '\ud800'", LIMITS) is not None
    assert compile_error("return 1\x00", LIMITS) is not None
