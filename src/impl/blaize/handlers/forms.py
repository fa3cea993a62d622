"""Handlers of the forms module: forms whose fields are fields of the User Schema."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from contractkit.impl.blaize.content.forms import (
    fields_by_form,
    find_form,
    remove_form,
    store_form,
    tenant_forms,
)
from contractkit.impl.blaize.content.models import Form, FormField
from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize
from contractkit.impl.blaize.tenancy.keyed import SaveAnswer, one_writer_wins, save_answer
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable

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


def list_forms(ctx: BlaizeContext, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        forms = tenant_forms(session, caller.tenant_id)
        fields = fields_by_form(session, caller.tenant_id)
        views = [form_view(form, fields[form.slug]) for form in forms]
        return {"results": sorted(views, key=lambda view: view["slug"])}, 200


def get_form(ctx: BlaizeContext, slug: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = authorize(session, token_info, Permission.READ)
        form = find_form(session, caller.tenant_id, slug)
        return form_view(form, fields_by_form(session, caller.tenant_id, slug)[slug]), 200


def delete_form(ctx: BlaizeContext, slug: str, token_info: dict[str, Any]) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        remove_form(session, find_form(session, caller.tenant_id, slug))
    return {"message": "Form deleted successfully"}, 200


def save_form(
    ctx: BlaizeContext, slug: str, body: dict[str, Any], token_info: dict[str, Any]
) -> SaveAnswer:
    fields = body.get("fields") or []
    columns = {column: body.get(member) for member, column in FORM_MEMBERS.items()}
    with one_writer_wins("The form"), ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.WRITE)
        refuse_unstorable(slug, body)
        created = store_form(session, caller.tenant_id, slug, columns, fields)
    uri = ctx.uri(f"/v3/forms/{quote(slug, safe='')}")
    message = "Form created successfully" if created else "Form saved successfully"
    return save_answer({"message": message, "uri": uri}, uri, created)
