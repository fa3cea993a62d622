"""Braintree promo codes through the Admin API's GraphQL endpoint."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from graphql import get_introspection_query
from sqlalchemy.exc import IntegrityError

from contractkit.impl.blaize.promo.clashes import run_again_on_clash
from contractkit.impl.blaize.promo.models import PromoCode
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin, AdminFactory

URL = "/v4/admin/graphql"
FIELDS = "code discountId discount billingCycles limit claimed absoluteDiscount"
LIST = f"query {{ listBraintreePromoCodes {{ {FIELDS} }} }}"
CREATE_WITH_VARIABLES = """
mutation Create($promo: BraintreePromoCodeInput!) {
  createBraintreePromoCode(promoCode: $promo) { status message }
}
"""
DELETE_WITH_VARIABLES = """
mutation Delete($code: String!) { deleteBraintreePromoCode(promoCodeId: $code) { status message } }
"""


def create_document(code: str = "code", **values: Any) -> str:
    """The seed's create mutation (without its extra outer braces), with some values changed."""
    fields = {
        "discountId": '"discountId"',
        "code": json.dumps(code),
        "discount": "10",
        "billingCycles": "5",
        "limit": "100",
        "absoluteDiscount": "false",
        **{name: str(value) for name, value in values.items()},
    }
    arguments = ", ".join(f"{name}: {value}" for name, value in fields.items())
    return (
        f"mutation {{ createBraintreePromoCode(promoCode: {{{arguments}}}) {{ status message }} }}"
    )


def delete_document(code: str) -> str:
    selection = f"deleteBraintreePromoCode(promoCodeId: {json.dumps(code)})"
    return f"mutation {{ {selection} {{ status message }} }}"


async def raw(client: httpx.AsyncClient, admin: Admin, document: str | bytes) -> httpx.Response:
    """A request whose body is the document itself (``application/graphql``)."""
    content = document.encode("utf-8") if isinstance(document, str) else document
    headers = {**admin.headers, "Content-Type": "application/graphql"}
    return await client.post(URL, content=content, headers=headers)


async def as_json(
    client: httpx.AsyncClient, admin: Admin, query: str, **extra: Any
) -> httpx.Response:
    """A request in the JSON form of GraphQL over HTTP."""
    return await client.post(URL, json={"query": query, **extra}, headers=admin.headers)


async def data_of(client: httpx.AsyncClient, admin: Admin, document: str) -> dict[str, Any]:
    answer = await raw(client, admin, document)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def codes(client: httpx.AsyncClient, admin: Admin) -> list[str]:
    data = await data_of(client, admin, "{ listBraintreePromoCodes { code } }")
    return [item["code"] for item in data["listBraintreePromoCodes"]]


async def errors_of(answer: httpx.Response) -> list[str]:
    """The messages of an answer that ran nothing: 200, ``errors`` and no ``data``."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "data" not in body, body
    return [error["message"] for error in body["errors"]]


def result(data: dict[str, Any], field: str) -> tuple[str, str]:
    return data[field]["status"], data[field]["message"]


def spec_examples(specs_root: Path) -> dict[str, str]:
    """The ``application/graphql`` examples of the spec: the seed's documents."""
    document = yaml.safe_load((specs_root / "blaize" / "promo_codes.yaml").read_text())
    content = document["paths"][URL]["post"]["requestBody"]["content"]
    examples = content["application/graphql"]["examples"]
    return {name: example["value"] for name, example in examples.items()}


async def test_the_seed_documents_create_list_and_delete(
    client: httpx.AsyncClient, admin: Admin, specs_root: Path
) -> None:
    examples = spec_examples(specs_root)
    created = await data_of(client, admin, examples["createPromoCode"])
    assert created == {
        "createBraintreePromoCode": {"status": "SUCCESS", "message": "Promo code created"}
    }
    listed = await data_of(client, admin, examples["listPromoCodes"])
    assert listed == {
        "listBraintreePromoCodes": [
            {
                "code": "code",
                "discountId": "discountId",
                "discount": 10,
                "billingCycles": 5,
                "limit": 100,
                "claimed": 0,
                "absoluteDiscount": False,
            }
        ]
    }
    deleted = await data_of(client, admin, examples["deletePromoCode"])
    assert result(deleted, "deleteBraintreePromoCode") == ("SUCCESS", "Promo code deleted")
    assert await codes(client, admin) == []
    again = await data_of(client, admin, examples["deletePromoCode"])
    assert result(again, "deleteBraintreePromoCode") == ("ERROR", "Promo code not found")


async def test_the_json_form_with_variables_and_operation_names(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    promo = {"code": "SPRING", "discountId": "d-1", "discount": 12.5, "absoluteDiscount": True}
    created = await as_json(client, admin, CREATE_WITH_VARIABLES, variables={"promo": promo})
    assert created.status_code == 200
    assert result(created.json()["data"], "createBraintreePromoCode")[0] == "SUCCESS"
    both = f"query Everything {LIST.removeprefix('query')}\n{DELETE_WITH_VARIABLES}"
    listed = await as_json(client, admin, both, operationName="Everything", variables=None)
    assert listed.json()["data"]["listBraintreePromoCodes"] == [
        {
            "code": "SPRING",
            "discountId": "d-1",
            "discount": 12.5,
            "billingCycles": None,
            "limit": None,
            "claimed": 0,
            "absoluteDiscount": True,
        }
    ]
    deleted = await as_json(
        client, admin, both, operationName="Delete", variables={"code": "SPRING"}
    )
    assert result(deleted.json()["data"], "deleteBraintreePromoCode")[0] == "SUCCESS"
    ambiguous = await as_json(client, admin, both)
    assert await errors_of(ambiguous) == [
        "Must provide operation name if query contains multiple operations."
    ]
    unknown = await as_json(client, admin, both, operationName="Nothing")
    assert await errors_of(unknown) == ["Unknown operation named 'Nothing'."]


async def test_a_taken_code_and_an_unknown_code_are_error_results(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await data_of(client, admin, create_document("WELCOME"))
    again = await data_of(client, admin, create_document("WELCOME", discount=50))
    assert result(again, "createBraintreePromoCode") == (
        "ERROR",
        "A promo code with this code already exists",
    )
    other_case = await data_of(client, admin, create_document("welcome"))
    assert result(other_case, "createBraintreePromoCode")[0] == "SUCCESS"
    unknown = await data_of(client, admin, delete_document("NOPE"))
    assert result(unknown, "deleteBraintreePromoCode") == ("ERROR", "Promo code not found")
    assert await codes(client, admin) == ["WELCOME", "welcome"]
    listed = await data_of(client, admin, "{ listBraintreePromoCodes { discount } }")
    assert listed["listBraintreePromoCodes"][0] == {"discount": 10}


async def test_mutations_of_one_document_run_in_order(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    document = """
    mutation {
      first: createBraintreePromoCode(promoCode: {code: "A", discountId: "d", discount: 5}) {
        status
      }
      second: createBraintreePromoCode(promoCode: {code: "A", discountId: "d", discount: 5}) {
        status
      }
      gone: deleteBraintreePromoCode(promoCodeId: "A") { status }
      back: createBraintreePromoCode(promoCode: {code: "A", discountId: "e", discount: 1}) {
        status
      }
    }
    """
    data = await data_of(client, admin, document)
    assert data == {
        "first": {"status": "SUCCESS"},
        "second": {"status": "ERROR"},
        "gone": {"status": "SUCCESS"},
        "back": {"status": "SUCCESS"},
    }
    listed = await data_of(client, admin, "{ listBraintreePromoCodes { code discountId } }")
    assert listed == {"listBraintreePromoCodes": [{"code": "A", "discountId": "e"}]}


async def test_values_that_cannot_be_stored_are_error_results(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    refused = {
        "negative discount": create_document("A", discount=-1),
        "percentage over 100": create_document("B", discount=100.5),
        "no billing cycle": create_document("C", billingCycles=0),
        "negative limit": create_document("D", limit=-3),
        "empty code": create_document(""),
        "long code": create_document("x" * 101),
        "empty discount id": create_document("E", discountId='""'),
    }
    for case, document in refused.items():
        data = await data_of(client, admin, document)
        assert result(data, "createBraintreePromoCode")[0] == "ERROR", case
    assert await codes(client, admin) == []
    accepted = (
        create_document("F", discount=150, absoluteDiscount="true"),
        create_document("G", discount=0, billingCycles="null", limit="null"),
        create_document("x" * 100),
    )
    for document in accepted:
        data = await data_of(client, admin, document)
        assert result(data, "createBraintreePromoCode")[0] == "SUCCESS", document
    assert await codes(client, admin) == ["F", "G", "x" * 100]


async def test_invalid_documents_answer_graphql_errors(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    syntax = await raw(client, admin, "{ mutation { listBraintreePromoCodes")
    assert (await errors_of(syntax))[0].startswith("Syntax Error")
    assert syntax.json()["errors"][0]["locations"] == [{"line": 1, "column": 37}]
    unknown = await errors_of(await raw(client, admin, "{ listBraintreePromoCodes { nope } }"))
    assert unknown[0].startswith("Cannot query field 'nope' on type 'BraintreePromoCode'.")
    wrong_type = await errors_of(await raw(client, admin, create_document(discount='"ten"')))
    assert "Float cannot represent" in wrong_type[0]
    missing = await errors_of(
        await raw(client, admin, 'mutation { createBraintreePromoCode(promoCode: {code: "x"}) }')
    )
    assert len(missing) >= 2
    bad_variable = await as_json(
        client, admin, DELETE_WITH_VARIABLES, variables={"code": ["not", "a", "string"]}
    )
    assert "$code" in (await errors_of(bad_variable))[0]
    no_variable = await as_json(client, admin, DELETE_WITH_VARIABLES)
    assert "$code" in (await errors_of(no_variable))[0]
    subscription = await raw(client, admin, "subscription { listBraintreePromoCodes { code } }")
    assert await errors_of(subscription)
    assert await codes(client, admin) == []


async def test_requests_that_are_not_graphql_requests_answer_400(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    for body in (b"", b"\xff\xfe{ listBraintreePromoCodes { code } }"):
        answer = await raw(client, admin, body)
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "bad_request"
    too_long = "{ listBraintreePromoCodes { code } }" + " " * 65536
    assert (await raw(client, admin, too_long)).status_code == 400
    assert (await as_json(client, admin, too_long)).status_code == 400
    for body in (
        {},
        {"variables": {}},
        {"query": 7},
        {"query": ""},
        {"query": "{ a }", "variables": 3},
    ):
        answer = await client.post(URL, json=body, headers=admin.headers)
        assert answer.status_code == 400, body
    answer = await client.post(
        URL, content=b"query", headers={**admin.headers, "Content-Type": "text/plain"}
    )
    assert answer.status_code == 415


async def test_viewers_list_but_do_not_mutate(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory
) -> None:
    await data_of(client, admin, create_document("KEEP"))
    viewer = admin_factory("viewer@example.com", role="viewer")
    assert await codes(client, viewer) == ["KEEP"]
    for document in (create_document("NEW"), delete_document("KEEP")):
        answer = await raw(client, viewer, document)
        assert answer.status_code == 403
        assert answer.json()["error"] == "forbidden"
    mixed = f"query Read {{ listBraintreePromoCodes {{ code }} }}\n{DELETE_WITH_VARIABLES}"
    read = await as_json(client, viewer, mixed, operationName="Read")
    assert read.json() == {"data": {"listBraintreePromoCodes": [{"code": "KEEP"}]}}
    write = await as_json(client, viewer, mixed, operationName="Delete", variables={"code": "KEEP"})
    assert write.status_code == 403
    editor = admin_factory("editor@example.com", role="editor")
    assert (
        result(await data_of(client, editor, create_document("NEW")), "createBraintreePromoCode")[0]
        == "SUCCESS"
    )
    nobody = admin_factory("nobody@example.com", role="guest")
    assert (await raw(client, nobody, LIST)).status_code == 403
    assert await codes(client, admin) == ["KEEP", "NEW"]
    anonymous = await client.post(
        URL, content=LIST, headers={"Content-Type": "application/graphql"}
    )
    assert anonymous.status_code == 401


async def test_tenants_see_and_change_only_their_own_codes(
    client: httpx.AsyncClient, admin: Admin, admin_factory: AdminFactory, database: Database
) -> None:
    other = admin_factory("boss@other.example", tenant="other")
    await data_of(client, admin, create_document("SHARED", discount=10))
    assert await codes(client, other) == []
    unknown = await data_of(client, other, delete_document("SHARED"))
    assert result(unknown, "deleteBraintreePromoCode")[0] == "ERROR"
    created = await data_of(client, other, create_document("SHARED", discount=20))
    assert result(created, "createBraintreePromoCode")[0] == "SUCCESS"
    await data_of(client, other, delete_document("SHARED"))
    listed = await data_of(client, admin, "{ listBraintreePromoCodes { code discount } }")
    assert listed == {"listBraintreePromoCodes": [{"code": "SHARED", "discount": 10}]}
    with database.transaction() as session:
        rows = session.query(PromoCode).all()
        assert [(row.tenant_id, row.code) for row in rows] == [(admin.tenant, "SHARED")]


async def test_depth_size_and_operation_limits(client: httpx.AsyncClient, admin: Admin) -> None:
    introspection = await raw(client, admin, get_introspection_query(descriptions=True))
    assert introspection.status_code == 200
    assert "__schema" in introspection.json()["data"]
    deep = (
        "{ __schema { types { fields { type "
        + "{ ofType " * 14
        + "{ name }"
        + " }" * 14
        + " } } } }"
    )
    assert "levels deep" in (await errors_of(await raw(client, admin, deep)))[0]
    wide = "{ " + " ".join(f"a{i}: __typename" for i in range(501)) + " }"
    assert "501 fields" in (await errors_of(await raw(client, admin, wide)))[0]
    fragments = (
        "query { listBraintreePromoCodes { ...A } }"
        + "".join(
            f" fragment {name} on BraintreePromoCode {{ ...{successor} ...{successor} }}"
            for name, successor in zip("ABCDEFGH", "BCDEFGHI", strict=True)
        )
        + " fragment I on BraintreePromoCode { code discount }"
    )
    assert "fields" in (await errors_of(await raw(client, admin, fragments)))[0]
    many = " ".join(f"query Q{i} {{ __typename }}" for i in range(11))
    answer = await as_json(client, admin, many, operationName="Q0")
    assert "11 operations" in (await errors_of(answer))[0]
    allowed = " ".join(f"query Q{i} {{ __typename }}" for i in range(10))
    answer = await as_json(client, admin, allowed, operationName="Q9")
    assert answer.json() == {"data": {"__typename": "Query"}}


async def test_documents_are_bounded_before_they_are_parsed_or_validated(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    nested = "{ listBraintreePromoCodes " + "{ code " * 1000 + "}" * 1001
    answer = await raw(client, admin, nested)
    assert (await errors_of(answer)) == ["The document nests brackets more than 50 levels deep."]
    assert answer.json()["errors"][0]["locations"] == [{"line": 1, "column": 370}]
    tokens = "{ " + "a " * 10_000 + "}"
    assert (await errors_of(await raw(client, admin, tokens))) == [
        "The document has more than 10000 tokens."
    ]
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(60))
    chained = f"query {{ ...F0 }} {chain} fragment F60 on Query {{ __typename }}"
    assert (await errors_of(await raw(client, admin, chained))) == [
        "The document defines 61 fragments; at most 50 are allowed."
    ]


async def test_aliases_cannot_take_the_name_of_another_field(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    await data_of(client, admin, create_document("A"))
    shadowing = (
        "{ createBraintreePromoCode: listBraintreePromoCodes { code } }",
        "{ listBraintreePromoCodes { code: discount } }",
        "{ listBraintreePromoCodes { ... on BraintreePromoCode { limit: __typename } } }",
    )
    for document in shadowing:
        messages = await errors_of(await raw(client, admin, document))
        assert "choose another alias" in messages[0], document
    renamed = await data_of(
        client, admin, "{ all: listBraintreePromoCodes { name: code code } __typename }"
    )
    assert renamed == {"all": [{"name": "A", "code": "A"}], "__typename": "Query"}


async def test_nul_characters_are_never_stored(
    client: httpx.AsyncClient, admin: Admin, database: Database
) -> None:
    # json.dumps writes the NUL as the escape \\u0000, which GraphQL strings share.
    escaped = await data_of(client, admin, create_document("A\x00B"))
    assert result(escaped, "createBraintreePromoCode") == (
        "ERROR",
        "Text containing the NUL character (U+0000) cannot be stored",
    )
    promo = {"code": "C", "discountId": "d\x00", "discount": 1}
    variables = await as_json(client, admin, CREATE_WITH_VARIABLES, variables={"promo": promo})
    assert result(variables.json()["data"], "createBraintreePromoCode")[0] == "ERROR"
    deleted = await as_json(client, admin, DELETE_WITH_VARIABLES, variables={"code": "\x00"})
    assert result(deleted.json()["data"], "deleteBraintreePromoCode") == (
        "ERROR",
        "Promo code not found",
    )
    literal = await raw(client, admin, "{ listBraintreePromoCodes { code } }\x00")
    assert (await errors_of(literal))[0].startswith("Syntax Error")
    with database.transaction() as session:
        assert session.query(PromoCode).count() == 0


async def test_the_server_log_holds_no_notice_about_the_two_body_forms(
    client: httpx.AsyncClient, admin: Admin, caplog: pytest.LogCaptureFixture
) -> None:
    """Connexion warns of "multiple content types" on every such request; it is filtered out."""
    with caplog.at_level(logging.WARNING):
        assert (await as_json(client, admin, "{ listBraintreePromoCodes { code } }")).is_success
        assert (await raw(client, admin, "{ listBraintreePromoCodes { code } }")).is_success
    assert not [record for record in caplog.records if "content types" in record.getMessage()]


def test_a_clash_with_a_concurrent_store_runs_the_request_once_more_and_only_once() -> None:
    runs: list[int] = []

    def clashing_once() -> str:
        runs.append(len(runs))
        if len(runs) == 1:
            raise IntegrityError("INSERT", {}, Exception("unique"))
        return "refused as taken"

    assert run_again_on_clash(clashing_once) == "refused as taken"
    assert runs == [0, 1]

    def always_clashing() -> str:
        runs.append(len(runs))
        raise IntegrityError("INSERT", {}, Exception("unique"))

    with pytest.raises(IntegrityError):
        run_again_on_clash(always_clashing)
    assert runs == [0, 1, 2, 3]


SEED_WRAPPED = {
    "mutation": """{ mutation {
        createBraintreePromoCode( promoCode : {discountId: "discountId", code : "code", discount: 10, billingCycles: 5, limit: 100, absoluteDiscount: false }) {
            status
            message
        }
    }
}""",  # noqa: E501 - the seed's document, verbatim
    "query": """{ query {
        listBraintreePromoCodes{
                code
                discount
        }
    }
}""",
}


async def test_the_seed_wrapped_documents_are_explained_with_the_corrected_form(
    client: httpx.AsyncClient, admin: Admin
) -> None:
    for word, document in SEED_WRAPPED.items():
        answer = await raw(client, admin, document)
        (message,) = await errors_of(answer)
        assert "extra pair of braces" in message and f"field named '{word}'" in message
        (error,) = answer.json()["errors"]
        assert error["extensions"]["code"] == "WRAPPED_OPERATION"
        corrected = error["extensions"]["corrected"]
        assert corrected.startswith(f"{word} {{") and corrected in message
    assert await codes(client, admin) == []  # nothing ran
    corrected = (await raw(client, admin, SEED_WRAPPED["mutation"])).json()["errors"][0]
    created = await data_of(client, admin, corrected["extensions"]["corrected"])
    assert created["createBraintreePromoCode"]["status"] == "SUCCESS"
    listed = (await raw(client, admin, SEED_WRAPPED["query"])).json()["errors"][0]
    data = await data_of(client, admin, listed["extensions"]["corrected"])
    assert data == {"listBraintreePromoCodes": [{"code": "code", "discount": 10}]}
