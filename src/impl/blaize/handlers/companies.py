"""Handlers of the companies module."""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people import companies
from contractkit.impl.blaize.people.companies import COMPANIES
from contractkit.impl.blaize.tenancy.records import company_view


def list_companies(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        found = COMPANIES.all(session, caller.tenant_id)
        return {"results": [company_view(company) for company in found]}, 200


def create_company(
    ctx: BlaizeContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int, dict]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        company = COMPANIES.create(session, caller.tenant_id, body)
    uri = ctx.uri(f"/v3/companies/{company.id}")
    answer = {"id": company.id, "message": "Company created successfully", "uri": uri}
    return answer, 201, {"Location": uri}


def get_company(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        return company_view(COMPANIES.one(session, caller.tenant_id, id)), 200


def update_company(
    ctx: BlaizeContext, id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        return company_view(COMPANIES.update(session, caller.tenant_id, id, body)), 201


def delete_company(ctx: BlaizeContext, id: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        companies.delete_company(session, caller.tenant_id, id)
    return {"message": "Company deleted successfully"}, 200
