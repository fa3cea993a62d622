"""Handlers of the forms module: forms whose fields are fields of the User Schema."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.content.models import Form, FormField
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.people.models import UserSchemaField
from contractkit.impl.blaize.tenancy.keyed import (
    SaveAnswer,
    keyed_row,
    one_writer_wins,
    save_answer,
)
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable
from contractkit.impl.errors import conflict, not_found
from contractkit.impl.timeutil import utcnow

# Body member -> column of the form itself.
FORM_MEMBERS = {
    "title": "title",
    "internal-description": "internal_description",
    "public-description": "public_description",
    "registration": "registration",
}


def field_view(field: FormField) -> dict[str, Any]:
    values = {
        "slug": field.field_slug,
        "placeholder": field.placeholder,
        "required": field.required,
        "order": field.display_order,
    }
    return {name: value for name, value in values.items() if value is not None}


def form_view(form: Form, fields: list[FormField]) -> dict[str, Any]:
    view: dict[str, Any] = {"slug": form.slug}
    for member, column in FORM_MEMBERS.items():
        value = getattr(form, column)
        if value is not None:
            view[member] = value
    view["fields"] = [field_view(field) for field in sorted(fields, key=lambda f: f.position)]
    return view


def _fields_by_form(
    session: Session, tenant_id: str, slug: str | None = None
) -> dict[str, list[FormField]]:
    query = select(FormField).where(FormField.tenant_id == tenant_id)
    if slug is not None:
        query = query.where(FormField.form_slug == slug)
    grouped: dict[str, list[FormField]] = defaultdict(list)
    for field in session.scalars(query):
        grouped[field.form_slug].append(field)
    return grouped


def list_forms(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        forms = session.scalars(select(Form).where(Form.tenant_id == caller.tenant_id))
        fields = _fields_by_form(session, caller.tenant_id)
        views = [form_view(form, fields[form.slug]) for form in forms]
        return {"results": sorted(views, key=lambda view: view["slug"])}, 200


def get_form(ctx: BlaizeContext, slug: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        form = keyed_row(session, Form, caller.tenant_id, slug, "Form")
        return form_view(form, _fields_by_form(session, caller.tenant_id, slug)[slug]), 200


def delete_form(ctx: BlaizeContext, slug: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        form = keyed_row(session, Form, caller.tenant_id, slug, "Form")
        _drop_fields(session, caller.tenant_id, slug)
        session.delete(form)
    return {"message": "Form deleted successfully"}, 200


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


def save_form(
    ctx: BlaizeContext, slug: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    fields = body.get("fields") or []
    with one_writer_wins("The form"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(slug, body)
        _check_fields(session, caller.tenant_id, fields)
        form = session.get(Form, (caller.tenant_id, slug))
        created = form is None
        if form is None:
            form = Form(tenant_id=caller.tenant_id, slug=slug)
            session.add(form)
        for member, column in FORM_MEMBERS.items():
            setattr(form, column, body.get(member))
        form.updated_at = utcnow()
        _drop_fields(session, caller.tenant_id, slug)
        session.flush()
        session.add_all(
            FormField(
                tenant_id=caller.tenant_id,
                form_slug=slug,
                position=position,
                field_slug=field["slug"],
                placeholder=field.get("placeholder"),
                required=field.get("required"),
                display_order=field.get("order"),
            )
            for position, field in enumerate(fields)
        )
    uri = ctx.uri(f"/v3/forms/{quote(slug, safe='')}")
    message = "Form created successfully" if created else "Form saved successfully"
    return save_answer({"message": message, "uri": uri}, uri, created)
