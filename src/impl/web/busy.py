"""Database errors that mean "busy, try again": lock waits, serialization failures, deadlocks.

They are no bug of the request: it is answered 503 with ``Retry-After`` (in the API's own
envelope), never 500.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from contractkit.impl.errors import ApiError

RETRY_AFTER_SECONDS = 1

_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_POSTGRES_BUSY = {"40001", "40P01", "55P03"}
"""serialization_failure, deadlock_detected, lock_not_available."""


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is a database that could not take the work now."""
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    if getattr(original, "sqlstate", None) in _POSTGRES_BUSY:
        return True
    return any(marker in str(original).lower() for marker in _SQLITE_BUSY)


def busy_error() -> ApiError:
    return ApiError(
        503,
        "busy",
        "The database is busy; please retry shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
