"""Usage counters that concurrent requests can raise without losing updates.

A counter is a row with a ``used`` column, created at zero when first needed (an insert that
ignores a duplicate key, so two requests creating it at once both succeed) and raised with
one ``UPDATE ... SET used = used + n WHERE used <= ceiling - n``: the database serialises
concurrent updates of the row and re-checks the ceiling for each, so none is lost and the
ceiling is never passed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contractkit.impl.db import Base, rows_affected


def insert_if_absent(session: Session, model: type[Base], values: dict[str, Any]) -> None:
    """Insert the row unless one with the same primary key exists (then nothing happens)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(model).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(model).values(**values).on_conflict_do_nothing())
    else:
        raise RuntimeError(f"No insert-if-absent for the {dialect} database")


def _matching(model: type[Base], key: dict[str, Any]) -> Any:
    return and_(*(getattr(model, name) == value for name, value in key.items()))


def used(session: Session, model: type[Base], key: dict[str, Any]) -> int:
    """The counter's value now (0 when it has no row yet)."""
    value = session.execute(select(model.used).where(_matching(model, key))).scalar()  # type: ignore[attr-defined]
    return int(value or 0)


def raise_within(
    session: Session,
    model: type[Base],
    key: dict[str, Any],
    amount: int,
    ceiling: int,
    on_insert: dict[str, Any] | None = None,
) -> bool:
    """Add ``amount`` to the counter if it stays at most ``ceiling``; whether it was added."""
    if amount > ceiling:
        return False
    insert_if_absent(session, model, {**key, **(on_insert or {}), "used": 0})
    counter = model.used  # type: ignore[attr-defined]
    result = session.execute(
        update(model)
        .where(_matching(model, key), counter <= ceiling - amount)
        .values(used=counter + amount)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1
