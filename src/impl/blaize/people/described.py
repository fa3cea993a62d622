"""Rows described entirely by the client's fields (accounts, companies): every save replaces
all of them, and a field the body leaves out becomes unset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.models import Account, Company
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable

Row = TypeVar("Row", Account, Company)


class DescribedRows(Generic[Row]):
    """The tenant's rows of one such table; ``what`` names a row in a 404."""

    def __init__(self, model: type[Row], fields: tuple[str, ...], what: str) -> None:
        self.model: type[Row] = model
        self.fields = fields
        self.what = what

    def all(self, session: Session, tenant_id: str) -> list[Row]:
        """The tenant's rows, oldest first."""
        return tenant_rows(session, self.model, tenant_id)

    def one(self, session: Session, tenant_id: str, row_id: str) -> Row:
        """The tenant's row ``row_id``, else 404."""
        return owned(session, self.model, row_id, tenant_id, self.what)

    def create(self, session: Session, tenant_id: str, values: Mapping[str, Any]) -> Row:
        """A new row of the tenant with the given fields; 409 when one cannot be stored."""
        row = self.model(id=new_id(), tenant_id=tenant_id)
        self._replace_fields(row, values)
        session.add(row)
        return row

    def update(
        self, session: Session, tenant_id: str, row_id: str, values: Mapping[str, Any]
    ) -> Row:
        """The tenant's row ``row_id`` with every field replaced (404, 409 as above)."""
        row = self.one(session, tenant_id, row_id)
        self._replace_fields(row, values)
        session.flush()
        return row

    def _replace_fields(self, row: Row, values: Mapping[str, Any]) -> None:
        refuse_unstorable(values)
        for name in self.fields:
            setattr(row, name, values.get(name))
