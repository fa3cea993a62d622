"""Handlers of the companies module."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.models import Company
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import COMPANY_FIELDS, company_view, owned, tenant_rows
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable


def _write_fields(company: Company, body: dict[str, Any]) -> None:
    for name in COMPANY_FIELDS:
        setattr(company, name, body.get(name))


def list_companies(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        companies = tenant_rows(session, Company, caller.tenant_id)
        return {"results": [company_view(company) for company in companies]}, 200


def create_company(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(body)
        company = Company(id=new_id(), tenant_id=caller.tenant_id)
        _write_fields(company, body)
        session.add(company)
    uri = ctx.uri(f"/v3/companies/{company.id}")
    answer = {"id": company.id, "message": "Company created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


def get_company(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        return company_view(owned(session, Company, id, caller.tenant_id, "Company")), 200


def update_company(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        company = owned(session, Company, id, caller.tenant_id, "Company")
        refuse_unstorable(body)
        _write_fields(company, body)
        session.flush()
        return company_view(company), 201


def delete_company(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        session.delete(owned(session, Company, id, caller.tenant_id, "Company"))
    return {"message": "Company deleted successfully"}, 200
