"""Errors the engine reports name what went wrong inside them."""

from __future__ import annotations

from schemathesis.engine import events

from contractkit.contract.engine import error_message


def _event(error: Exception) -> events.NonFatalError:
    return events.NonFatalError(
        error=error, phase=None, label="POST /v3/users/legacyPassword", related_to_operation=True
    )


def test_a_grouped_error_shows_each_error_it_holds() -> None:
    first = AssertionError("Server error: 503 Service Unavailable\n  (database busy)")
    message = error_message(_event(ExceptionGroup("unreliable results", [first])))

    assert message.startswith(_event(ExceptionGroup("unreliable results", [first])).info.message)
    assert "within: AssertionError: Server error: 503 Service Unavailable (database busy)" in (
        message
    )


def test_a_single_error_keeps_the_engines_message() -> None:
    error = ValueError("no such operation")
    assert error_message(_event(error)) == _event(error).info.message
