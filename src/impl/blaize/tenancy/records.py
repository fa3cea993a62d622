"""Tenant-scoped lookups and the API's views of stored rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue.models import Grant
from contractkit.impl.blaize.people.models import (
    Account,
    AccountUser,
    Company,
    User,
    UserIdentifier,
)
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.blaize.webhooks.models import Webhook
from contractkit.impl.errors import ApiError, not_found

Row = TypeVar("Row", Account, Company, User, Grant, Webhook)
BODY_FIELD = {"body": "must be non-empty UTF-8 text"}


def owned(session: Session, model: type[Row], row_id: str, tenant_id: str, what: str) -> Row:
    """The row with this id in the caller's tenant, or 404 (other tenants' rows included)."""
    row = None if contains_nul(row_id) else session.get(model, row_id)
    if row is None or row.tenant_id != tenant_id:
        raise not_found(what)
    return row


def tenant_rows(session: Session, model: Any, tenant_id: str, *where: Any) -> list[Any]:
    """The tenant's rows of a table (matching ``where``), oldest first."""
    query = select(model).where(model.tenant_id == tenant_id, *where)
    return list(session.scalars(query.order_by(model.created_at, model.id)))


def set_fields_view(row_id: str, row: object, fields: Iterable[str]) -> dict[str, Any]:
    """The row's set fields (unset ones are left out), after its ``id``."""
    values = {name: getattr(row, name) for name in fields}
    return {"id": row_id, **{name: value for name, value in values.items() if value is not None}}


ACCOUNT_FIELDS = (
    "company_id",
    "name",
    "number_of_seats",
    "allow_oversubscription",
    "notify_when_account_oversubscribed",
    "notify_on_each_registration_when_account_is_oversubscribed",
    "registration_code",
)
COMPANY_FIELDS = ("name", "description", "website", "contact", "account_manager")


def account_view(account: Account) -> dict[str, Any]:
    return set_fields_view(account.id, account, ACCOUNT_FIELDS)


def company_view(company: Company) -> dict[str, Any]:
    return set_fields_view(company.id, company, COMPANY_FIELDS)


def membership_view(membership: AccountUser) -> dict[str, str]:
    return {"user_id": membership.user_id, "account_id": membership.account_id}


def grant_view(grant: Grant) -> dict[str, str]:
    return {
        "grantId": grant.id,
        "entitlement_type": grant.entitlement_type,
        "entitlement_id": grant.entitlement_id,
    }


def identifiers_of(session: Session, user_id: str) -> dict[str, str]:
    rows = session.scalars(
        select(UserIdentifier)
        .where(UserIdentifier.user_id == user_id)
        .order_by(UserIdentifier.name)
    )
    return {row.name: row.value for row in rows}


def user_view(session: Session, user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "identifiers": identifiers_of(session, user.id),
        "attributes": dict(user.attributes or {}),
        "email_verified": user.email_verified,
    }


def normalized_identifiers(identifiers: dict[str, str]) -> dict[str, str]:
    """Identifiers as stored: e-mail addresses are compared without regard to case."""
    return {
        name: value.lower() if name == "email_address" else value
        for name, value in identifiers.items()
    }


def find_user_by_identifiers(
    session: Session, tenant_id: str, identifiers: dict[str, str]
) -> User | None:
    """The one user holding every given identifier, if any."""
    if contains_nul(identifiers):
        return None
    wanted = normalized_identifiers(identifiers)
    candidates: set[str] | None = None
    for name, value in wanted.items():
        ids = set(
            session.scalars(
                select(UserIdentifier.user_id).where(
                    UserIdentifier.tenant_id == tenant_id,
                    UserIdentifier.name == name,
                    UserIdentifier.value == value,
                )
            )
        )
        candidates = ids if candidates is None else candidates & ids
        if not candidates:
            return None
    if not candidates or len(candidates) != 1:
        return None
    return session.get(User, next(iter(candidates)))


def text_body(body: object) -> str:
    """A ``text/plain`` request body as text; 400 unless it is non-empty UTF-8.

    Connexion checks JSON bodies against the schema but hands text bodies over as they came.
    """
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(400, "bad_request", "The body is not UTF-8 text", BODY_FIELD) from exc
    if not isinstance(body, str) or not body:
        raise ApiError(400, "bad_request", "A non-empty text/plain body is required", BODY_FIELD)
    return body
