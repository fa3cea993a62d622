"""Rows a client names with its own key inside the tenant (slugs, item and rule ids).

Such rows are saved with ``PUT``: 201 and ``Location`` when the save creates the row, 200 when
it replaces it. Two requests creating the same key at the same moment cannot both win; the
loser is answered with 409 instead of a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import conflict, not_found

Row = TypeVar("Row")
SaveAnswer = tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]


def keyed_row(session: Session, model: type[Row], tenant_id: str, key: str, what: str) -> Row:
    """The tenant's row under ``key`` (primary key ``(tenant_id, key)``), or 404."""
    row = None if contains_nul(key) else session.get(model, (tenant_id, key))
    if row is None:
        raise not_found(what)
    return row


def save_answer(body: dict[str, Any], uri: str, created: bool) -> SaveAnswer:
    """201 with ``Location`` for a created row, 200 for a replaced one."""
    if created:
        return body, 201, {"Location": uri}
    return body, 200


@contextmanager
def one_writer_wins(what: str) -> Iterator[None]:
    """Turns a unique-key clash with a concurrent request into 409 (the transaction is undone)."""
    try:
        yield
    except IntegrityError as exc:
        raise conflict(f"{what} was changed by another request at the same moment") from exc
