"""Rows described entirely by the client's fields (accounts, companies): every save replaces
all of them, and a field the body leaves out becomes unset."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def replace_fields(row: object, names: Iterable[str], values: Mapping[str, Any]) -> None:
    """Set every named field of the row to the given value (absent ones to None); 409 when a
    value cannot be stored."""
    refuse_unstorable(values)
    for name in names:
        setattr(row, name, values.get(name))
