"""Companies of the tenant."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.described import DescribedRows
from contractkit.impl.blaize.people.models import Company
from contractkit.impl.blaize.tenancy.records import COMPANY_FIELDS

COMPANIES = DescribedRows(Company, COMPANY_FIELDS, "Company")


def delete_company(session: Session, tenant_id: str, company_id: str) -> None:
    session.delete(COMPANIES.one(session, tenant_id, company_id))
