"""Each lint rule on fixture documents that pass it and documents that break it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from contractkit.lint import Finding, lint

FIXTURES = Path(__file__).parent / "fixtures"
LINT = FIXTURES / "lint"
WriteSpec = Callable[[str, str], Path]


def by_rule(findings: list[Finding], rule: str) -> list[tuple[str, str]]:
    return [(f.location, f.message) for f in findings if f.rule == rule]


@pytest.mark.parametrize(
    "target",
    [FIXTURES / "petstore", LINT / "swagger2.yaml", LINT / "openapi31.yaml"],
    ids=["petstore-folder", "swagger2", "openapi31"],
)
def test_good_documents_have_no_findings(target: Path) -> None:
    assert lint([target]) == []


def test_every_document_of_a_folder_is_a_module_or_validated() -> None:
    findings = lint([FIXTURES / "petstore" / "components.yaml"])
    assert findings == []


def test_spec_valid_reports_the_validator_message_and_path() -> None:
    findings = lint([LINT / "spec_invalid.yaml"])
    assert by_rule(findings, "spec-valid") == [
        ("#/paths/~1things/get", '"responses" is a required property')
    ]
    assert all(f.file == LINT / "spec_invalid.yaml" for f in findings)


def test_spec_valid_reports_unparsable_documents_with_their_line() -> None:
    findings = lint([LINT / "broken_yaml.yaml"])
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.location) == ("spec-valid", "line 8")
    assert finding.message.startswith("invalid YAML")


def test_spec_valid_resolves_relative_refs_from_the_file(write_spec: WriteSpec) -> None:
    write_spec("api/components.yaml", "components:\n  schemas:\n    S: {type: string}\n")
    module = write_spec(
        "api/a.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /a:
            get:
              operationId: getA
              summary: Get A
              parameters:
                - {name: q, in: query, schema: {$ref: 'components.yaml#/components/schemas/S'}}
                - {name: q2, in: query, schema: {$ref: 'components.yaml#/components/schemas/Nope'}}
              responses:
                '200': {description: OK}
        """,
    )
    messages = [message for _, message in by_rule(lint([module]), "spec-valid")]
    assert len(messages) == 1
    assert "Nope" in messages[0]


def test_spec_valid_names_components_documents_of_a_folder() -> None:
    findings = lint([LINT / "operation_ids"])
    assert by_rule(findings, "spec-valid") == [
        ("#/components/schemas/Broken/required", "'not-a-list' is not of type 'array'")
    ]
    broken = next(f for f in findings if f.rule == "spec-valid")
    assert broken.file == LINT / "operation_ids" / "components.yaml"


def test_operation_ids_are_required_and_unique_across_modules() -> None:
    folder = LINT / "operation_ids"
    findings = [f for f in lint([folder]) if f.rule == "operation-id"]
    assert [(f.file, f.location, f.message) for f in findings] == [
        (
            folder / "beta.yaml",
            "GET /beta",
            f"operationId 'listItems' is already used by GET /alpha in {folder / 'alpha.yaml'}",
        ),
        (folder / "beta.yaml", "POST /beta", "the operation has no operationId"),
    ]


def test_summary_must_be_present_and_not_blank() -> None:
    assert by_rule(lint([LINT / "no_summary.yaml"]), "summary") == [
        ("GET /things", "the operation has no summary"),
        ("POST /things", "the operation has no summary"),
    ]


def test_error_response_needs_a_4xx_json_body_of_the_error_schema() -> None:
    expected = "no 4xx response has a JSON body whose schema is the Error schema"
    found = by_rule(lint([LINT / "error_response.yaml"]), "error-response")
    assert [location for location, _ in found] == ["GET /inline", "GET /server-only", "GET /text"]
    assert all(message.startswith(expected) for _, message in found)
    assert "(#/components/schemas/Error)" in found[0][1]


def test_error_response_reports_a_missing_error_schema_once_as_a_warning() -> None:
    findings = [f for f in lint([LINT / "no_error_schema.yaml"]) if f.rule == "error-response"]
    assert [f.severity for f in findings] == ["warning"]
    assert by_rule(findings, "error-response") == [
        (
            "#/components/schemas/Error",
            "the API defines no schema named Error (expected in components, e.g. "
            "components.yaml#/components/schemas/Error) for its error responses; a house "
            "rule, reported as a warning for documents that do not use it",
        )
    ]


def test_error_response_through_a_shared_components_document() -> None:
    findings = lint([FIXTURES / "petstore" / "pets.yaml"])
    assert by_rule(findings, "error-response") == []


def test_examples_are_validated_where_they_are_written() -> None:
    path = LINT / "bad_examples.yaml"
    findings = [f for f in lint([path]) if f.rule == "examples-valid"]
    assert {f.file for f in findings} == {path}
    prefix = "the example does not match its schema: "
    assert [(f.location, f.message.removeprefix(prefix)) for f in findings] == [
        (
            "#/components/schemas/Thing/properties/contact/example",
            "'not-an-email' is not a 'email'",
        ),
        (
            "#/components/schemas/Thing/properties/tags/items/example",
            "1234 is not of type 'string'",
        ),
        ("/things/{thingId} #/parameters/0/example", "0 is less than the minimum of 1"),
        (
            "GET /things/{thingId} #/parameters/0/examples/notADate",
            "'yesterday' is not a 'date-time'",
        ),
        (
            "GET /things/{thingId} #/responses/200/content/application~1json/examples/missingName",
            "'name' is a required property",
        ),
        (
            "GET /things/{thingId} #/responses/200/headers/X-Rate-Limit/example",
            "'many' is not of type 'integer'",
        ),
        (
            "GET /things/{thingId} #/responses/404/content/application~1json/example",
            "42 is not of type 'string' (at /message)",
        ),
    ]


def test_examples_in_a_shared_document_are_reported_there() -> None:
    folder = LINT / "operation_ids"
    findings = [f for f in lint([folder]) if f.rule == "examples-valid"]
    assert [(f.file, f.location) for f in findings] == [
        (folder / "components.yaml", "#/components/schemas/Error/example")
    ]
    assert findings[0].message.endswith("7 is not of type 'string' (at /message)")


def test_examples_honour_nullable_read_only_and_formats(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            Error: {type: object}
            Good:
              type: object
              required: [id, secret, when]
              properties:
                id: {type: string, format: uuid, readOnly: true}
                secret: {type: string, writeOnly: true}
                when: {type: string, format: date-time, nullable: true}
                home: {type: string, format: uri}
              example: {when: null, home: 'https://example.com/a'}
            BadUri:
              type: string
              format: uri
              example: 'not a uri'
            NotNullable:
              type: string
              example: null
        """,
    )
    found = by_rule(lint([path]), "examples-valid")
    assert [location for location, _ in found] == [
        "#/components/schemas/BadUri/example",
        "#/components/schemas/NotNullable/example",
    ]
    assert found[0][1].endswith("'not a uri' is not a 'uri'")
    assert found[1][1].endswith("None for not nullable")


def test_links_must_name_existing_operations_and_their_parameters() -> None:
    found = by_rule(lint([LINT / "bad_links.yaml"]), "links-valid")
    assert found == [
        (
            "POST /things #/responses/201/links/BadRef",
            "link 'BadRef': operationRef '#/paths/~1nowhere/get' does not lead to an "
            "operation of this API",
        ),
        (
            "POST /things #/responses/201/links/Missing",
            "link 'Missing': operationId 'removeThing' is not an operation of this API",
        ),
        (
            "POST /things #/responses/201/links/Shared",
            "link 'Shared': parameter 'thing' is not a parameter of GET /things/{thingId} "
            "(it has: path.thingId)",
        ),
        (
            "POST /things #/responses/201/links/WrongParameter",
            "link 'WrongParameter': parameter 'id' is not a parameter of GET /things/{thingId} "
            "(it has: path.thingId)",
        ),
        (
            "POST /things #/responses/201/links/WrongPlace",
            "link 'WrongPlace': parameter 'query.thingId' is not a parameter of "
            "GET /things/{thingId} (it has: path.thingId)",
        ),
    ]


def test_links_across_modules_of_one_api() -> None:
    # createPet (pets.yaml) links to deletePet (owners.yaml); alone, pets.yaml cannot see it.
    alone = by_rule(lint([FIXTURES / "petstore" / "pets.yaml"]), "links-valid")
    assert alone == [
        (
            "POST /pets #/responses/201/links/DeletePet",
            "link 'DeletePet': operationId 'deletePet' is not an operation of this API",
        )
    ]
    assert by_rule(lint([FIXTURES / "petstore"]), "links-valid") == []


def test_conflicts_between_modules_are_reported(write_spec: WriteSpec) -> None:
    text = """
    openapi: 3.0.3
    info: {{title: T, version: '1'}}
    paths:
      /x:
        get:
          operationId: {0}
          summary: X
          responses: {{'200': {{description: OK}}}}
    """
    write_spec("api/a.yaml", text.format("one"))
    folder = write_spec("api/b.yaml", text.format("two")).parent
    found = [(f.file.name, f.message) for f in lint([folder]) if f.rule == "bundle"]
    assert found == [
        ("b.yaml", f"GET /x is defined in both {folder / 'a.yaml'} and {folder / 'b.yaml'}")
    ]


def test_missing_paths_and_empty_folders(tmp_path: Path, write_spec: WriteSpec) -> None:
    missing = lint([tmp_path / "absent"])
    assert [(f.rule, f.message) for f in missing] == [("discover", "no such file or folder")]
    folder = write_spec(
        "shared/components.yaml", "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n"
    ).parent
    empty = lint([folder])
    assert [(f.rule, f.file) for f in empty] == [("discover", folder)]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        (
            "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get: {}\n",
            "#/paths/~1a/get",
            '"responses" is a required property',
        ),
        (
            "openapi: 3.1.0\ninfo: {title: T}\npaths: {}\n",
            "#/info",
            '"version" is a required property',
        ),
        (
            "title: just some YAML\n",
            "#",
            "not a supported OpenAPI document: 'openapi: 3.0.x|3.1.x' or 'swagger: \"2.0\"' "
            "is missing or unknown",
        ),
    ],
    ids=["swagger2", "openapi31", "not-openapi"],
)
def test_spec_valid_for_each_version(
    write_spec: WriteSpec, text: str, location: str, message: str
) -> None:
    findings = lint([write_spec("doc.yaml", text)])
    assert by_rule(findings, "spec-valid") == [(location, message)]


def test_shared_documents_do_not_cause_bundle_conflicts(write_spec: WriteSpec) -> None:
    write_spec(
        "api/components.yaml",
        """
        openapi: 3.0.3
        info: {title: Shared, version: '1'}
        servers: [{url: /elsewhere}]
        paths: {}
        components:
          schemas:
            Error: {type: object, properties: {message: {type: string}}}
        """,
    )
    module = write_spec(
        "api/things.yaml",
        """
        openapi: 3.0.3
        info: {title: Things, version: '1'}
        servers: [{url: /things}]
        paths:
          /things:
            get:
              operationId: listThings
              summary: List things
              responses:
                '200': {description: OK}
                '400':
                  description: Bad.
                  content:
                    application/json:
                      schema: {$ref: 'components.yaml#/components/schemas/Error'}
        """,
    )
    assert lint([module.parent]) == []
