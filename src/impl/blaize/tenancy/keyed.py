"""Rows a client names with its own key inside the tenant (slugs, item and rule ids).

Such rows are saved with ``PUT``: 201 and ``Location`` when the save creates the row, 200 when
it replaces it. Two requests creating the same key at the same moment cannot both win; the
loser is answered with 409 instead of a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.db import DetachedRows
from contractkit.impl.errors import conflict, not_found

Row = TypeVar("Row")
SaveAnswer = tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]


def keyed_row(session: Session, model: type[Row], tenant_id: str, key: str, what: str) -> Row:
    """The tenant's row under ``key`` (primary key ``(tenant_id, key)``), or 404."""
    row = None if contains_nul(key) else session.get(model, (tenant_id, key))
    if row is None:
        raise not_found(what)
    return row


_DETACHED: dict[type[Any], DetachedRows[Any]] = {}
_INSERTS: dict[tuple[str, type[Any]], Any] = {}


def _detached_rows(model: type[Any]) -> DetachedRows[Any]:
    found = _DETACHED.get(model)
    if found is None:
        found = _DETACHED[model] = DetachedRows(model)
    return found


def _insert_if_absent(dialect: str, model: type[Any]) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING`` every column, in ``dialect``, built once
    (its values are bound when it is executed)."""
    found = _INSERTS.get((dialect, model))
    if found is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        returning = _detached_rows(model).columns
        found = insert(model).on_conflict_do_nothing().returning(*returning)
        _INSERTS[(dialect, model)] = found
    return found


def claim_keyed_row(
    session: Session, model: type[Row], tenant_id: str, key: str, values: dict[str, Any]
) -> tuple[Row, bool]:
    """The tenant's row under ``key``, locked until the transaction ends; created from
    ``values`` when absent. Returns the row and whether this call created it.

    Concurrent saves of one key take turns on the row (the second waits for the first to
    commit, then replaces what it wrote) instead of clashing on the key or on what hangs off
    the row.
    """
    dialect = session.get_bind().dialect.name
    claimed = _insert_if_absent(dialect, model)
    row_values = {"tenant_id": tenant_id, "id": key, **values}
    inserted = session.connection().execute(claimed, row_values).first()
    if inserted is not None:
        # The new row is this transaction's until it ends: adopted as inserted, no re-read.
        return session.merge(_detached_rows(model).build(inserted), load=False), True
    row = session.get(model, (tenant_id, key), with_for_update=True, populate_existing=True)
    if row is None:  # deleted by a concurrent request between the insert and the lock
        raise conflict("The row was deleted by another request at the same moment")
    return row, False


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
