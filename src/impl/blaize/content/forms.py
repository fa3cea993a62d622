"""Forms: named, ordered selections of User Schema fields, saved under a client-chosen slug."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import Form, FormField
from contractkit.impl.blaize.people.models import UserSchemaField
from contractkit.impl.blaize.tenancy.keyed import keyed_row
from contractkit.impl.errors import conflict, not_found
from contractkit.impl.timeutil import utcnow


def tenant_forms(session: Session, tenant_id: str) -> list[Form]:
    return list(session.scalars(select(Form).where(Form.tenant_id == tenant_id)))


def find_form(session: Session, tenant_id: str, slug: str) -> Form:
    """The tenant's form under ``slug``, or 404."""
    return keyed_row(session, Form, tenant_id, slug, "Form")


def fields_by_form(
    session: Session, tenant_id: str, slug: str | None = None
) -> dict[str, list[FormField]]:
    """The fields of the tenant's forms (of the one form ``slug`` when given), by form slug."""
    query = select(FormField).where(FormField.tenant_id == tenant_id)
    if slug is not None:
        query = query.where(FormField.form_slug == slug)
    grouped: dict[str, list[FormField]] = defaultdict(list)
    for field in session.scalars(query):
        grouped[field.form_slug].append(field)
    return grouped


def remove_form(session: Session, form: Form) -> None:
    _drop_fields(session, form.tenant_id, form.slug)
    session.delete(form)


def _drop_fields(session: Session, tenant_id: str, slug: str) -> None:
    session.execute(
        delete(FormField).where(FormField.tenant_id == tenant_id, FormField.form_slug == slug)
    )


def _check_fields(session: Session, tenant_id: str, fields: list[dict[str, Any]]) -> None:
    """409 when a field is listed twice, 404 when one is not a field of the User Schema."""
    slugs = [field["slug"] for field in fields]
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise conflict(f"The form lists the field {slug} more than once")
        seen.add(slug)
    if not seen:
        return
    known = set(
        session.scalars(
            select(UserSchemaField.slug).where(
                UserSchemaField.tenant_id == tenant_id, UserSchemaField.slug.in_(seen)
            )
        )
    )
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise not_found(f"User Schema field {unknown[0]}")


def store_form(
    session: Session,
    tenant_id: str,
    slug: str,
    columns: dict[str, Any],
    fields: list[dict[str, Any]],
) -> bool:
    """Create or replace the form: its ``columns`` and its ``fields`` (body members, in order).

    Returns whether the form was created.
    """
    _check_fields(session, tenant_id, fields)
    form = session.get(Form, (tenant_id, slug))
    created = form is None
    if form is None:
        form = Form(tenant_id=tenant_id, slug=slug)
        session.add(form)
    for column, value in columns.items():
        setattr(form, column, value)
    form.updated_at = utcnow()
    _drop_fields(session, tenant_id, slug)
    session.flush()
    session.add_all(
        FormField(
            tenant_id=tenant_id,
            form_slug=slug,
            position=position,
            field_slug=field["slug"],
            placeholder=field.get("placeholder"),
            required=field.get("required"),
            display_order=field.get("order"),
        )
        for position, field in enumerate(fields)
    )
    return created
