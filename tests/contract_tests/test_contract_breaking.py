"""Breaking changes between two versions of a document."""

from __future__ import annotations

import copy
from typing import Any

from contract_tests_fixture_servers import load_spec

from contractkit.contract import find_breaking_changes


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.operation, c.location) for c in find_breaking_changes(old, new)]


def test_identical_documents_have_no_breaking_change() -> None:
    assert find_breaking_changes(load_spec(), load_spec()) == []


def test_removed_operation_and_success_response() -> None:
    new = load_spec()
    del new["paths"]["/items/{item_id}"]["delete"]
    new["paths"]["/items"]["post"]["responses"]["200"] = new["paths"]["/items"]["post"][
        "responses"
    ].pop("201")

    assert kinds(load_spec(), new) == [
        ("response_removed", "POST /items", "response 201"),
        ("operation_removed", "DELETE /items/{item_id}", ""),
    ]


def test_new_required_inputs() -> None:
    new = load_spec()
    new["paths"]["/items"]["get"]["parameters"][0]["required"] = True
    new["components"]["schemas"]["ItemInput"]["required"].append("tags")

    found = kinds(load_spec(), new)
    assert ("new_required_input", "GET /items", "query parameter `limit`") in found
    assert ("new_required_input", "POST /items", "request body field `tags`") in found
    assert ("new_required_input", "PUT /items/{item_id}", "request body field `tags`") in found


def test_narrowed_inputs_but_not_widened_ones() -> None:
    old = load_spec()
    narrowed = copy.deepcopy(old)
    name = narrowed["components"]["schemas"]["ItemInput"]["properties"]["name"]
    name["maxLength"] = 10
    narrowed["components"]["schemas"]["ItemInput"]["properties"]["price"]["type"] = "integer"
    widened = copy.deepcopy(old)
    widened["components"]["schemas"]["ItemInput"]["properties"]["name"]["maxLength"] = 80

    found = find_breaking_changes(old, narrowed)
    messages = {(c.location, c.message) for c in found if c.operation == "POST /items"}
    assert ("request body field `name`", "maxLength lowered to 10") in messages
    assert ("request body field `price`", "type changed from number to integer") in messages
    assert find_breaking_changes(old, widened) == []


def test_response_fields_removed_or_made_optional() -> None:
    new = load_spec()
    item = new["components"]["schemas"]["Item"]
    del item["properties"]["tags"]
    item["required"] = ["id", "name"]

    found = kinds(load_spec(), new)
    assert ("response_field_removed", "GET /items/{item_id}", "response 200 field `tags`") in found
    assert (
        "response_field_optional",
        "GET /items/{item_id}",
        "response 200 field `price`",
    ) in found
    assert (
        "response_field_removed",
        "GET /items",
        "response 200 field `items` items field `tags`",
    ) in found
