"""Companies of the tenant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from contractkit.impl.blaize.people.described import replace_fields
from contractkit.impl.blaize.people.models import Company
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import COMPANY_FIELDS, owned, tenant_rows


def tenant_companies(session: Session, tenant_id: str) -> list[Company]:
    return tenant_rows(session, Company, tenant_id)


def tenant_company(session: Session, tenant_id: str, company_id: str) -> Company:
    """The tenant's company ``company_id``, else 404."""
    return owned(session, Company, company_id, tenant_id, "Company")


def create_company(session: Session, tenant_id: str, fields: Mapping[str, Any]) -> Company:
    company = Company(id=new_id(), tenant_id=tenant_id)
    replace_fields(company, COMPANY_FIELDS, fields)
    session.add(company)
    return company


def update_company(
    session: Session, tenant_id: str, company_id: str, fields: Mapping[str, Any]
) -> Company:
    company = tenant_company(session, tenant_id, company_id)
    replace_fields(company, COMPANY_FIELDS, fields)
    session.flush()
    return company


def delete_company(session: Session, tenant_id: str, company_id: str) -> None:
    session.delete(tenant_company(session, tenant_id, company_id))
