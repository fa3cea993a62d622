"""Field errors of JSON Schema bodies: a failed ``oneOf`` names the fields of its closest
branch, not the body as a whole."""

from __future__ import annotations

from jsonschema import Draft4Validator

from contractkit.impl.web.field_errors import collect_field_errors

EXCHANGE = {
    "type": "object",
    "required": ["code", "grant_type", "client_id"],
    "properties": {"grant_type": {"enum": ["authorization_code"]}, "code": {"type": "string"}},
}
REFRESH = {
    "type": "object",
    "required": ["refresh_token", "grant_type", "client_id"],
    "properties": {"grant_type": {"enum": ["refresh_token"]}},
}
TOKEN = {"oneOf": [EXCHANGE, REFRESH]}


def errors(schema: dict, body: object) -> dict[str, str]:
    return collect_field_errors(Draft4Validator(schema).iter_errors(body))


def test_the_branch_whose_fixed_values_the_body_meets_is_the_closest() -> None:
    assert errors(TOKEN, {"grant_type": "authorization_code", "code": "c"}) == {
        "client_id": "This field is required"
    }
    assert errors(TOKEN, {"grant_type": "refresh_token", "refresh_token": "r"}) == {
        "client_id": "This field is required"
    }
    assert errors(TOKEN, {"grant_type": "authorization_code", "code": 1, "client_id": "x"}) == {
        "code": "1 is not of type 'string'"
    }


def test_nested_one_of_names_the_nested_field() -> None:
    schema = {"type": "object", "properties": {"grant": TOKEN}}
    body = {"grant": {"grant_type": "refresh_token", "client_id": "x"}}
    assert errors(schema, body) == {"grant.refresh_token": "This field is required"}


def test_a_body_of_the_wrong_type_still_names_the_body() -> None:
    assert set(errors(TOKEN, [])) == {"body"}
