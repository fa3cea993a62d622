"""Bundling module documents into one self-contained OpenAPI document."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from contractkit.openapi import SpecError, bundle, bundle_folder, discover, load_file
from contractkit.openapi.pointers import parse_pointer, resolve_pointer

FIXTURES = Path(__file__).parent / "fixtures"
PETSTORE = FIXTURES / "petstore"
WriteSpec = Callable[[str, str], Path]


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def assert_self_contained(document: dict[str, Any]) -> None:
    for ref in refs_in(document):
        assert ref.startswith("#/"), ref
        resolve_pointer(document, parse_pointer(ref[1:]))


def module(paths: str, extra: str = "") -> str:
    return f"openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\n{extra}paths:\n{paths}"


def operation(path: str, method: str, operation_id: str, schema_ref: str) -> str:
    return (
        f"  {path}:\n    {method}:\n      operationId: {operation_id}\n      responses:\n"
        f"        '200':\n          description: OK\n          content:\n"
        f"            application/json:\n              schema: {{$ref: '{schema_ref}'}}\n"
    )


# -- the petstore fixture ------------------------------------------------------------------


@pytest.fixture(scope="module")
def petstore() -> Any:
    return bundle_folder(PETSTORE)


def test_fixture_bundle_is_valid_and_self_contained(petstore: Any) -> None:
    validate(petstore.document)
    assert_self_contained(petstore.document)


def test_fixture_sources_and_operation_ids(petstore: Any) -> None:
    owners, pets = PETSTORE / "owners.yaml", PETSTORE / "pets.yaml"
    assert petstore.sources == {
        ("/owners", "get"): owners,
        ("/pets/{petId}", "delete"): owners,
        ("/pets", "get"): pets,
        ("/pets", "post"): pets,
        ("/pets/{petId}", "get"): pets,
    }
    assert petstore.operation_ids["getPet"] == ("/pets/{petId}", "get")
    assert petstore.operation_ids["deletePet"] == ("/pets/{petId}", "delete")
    assert petstore.conflicts == []


def test_fixture_same_path_merges_methods_and_keeps_path_parameters(petstore: Any) -> None:
    item = petstore.document["paths"]["/pets/{petId}"]
    assert set(item) == {"parameters", "get", "delete"}
    assert item["parameters"] == [{"$ref": "#/components/parameters/PetId"}]


def test_fixture_shared_components_are_copied_once_by_name(petstore: Any) -> None:
    components = petstore.document["components"]
    schemas = components["schemas"]
    assert {"Pet", "NewPet", "Error", "Category", "Owner"} <= set(schemas)
    source_pet = load_file(PETSTORE / "components.yaml")["components"]["schemas"]["Pet"]
    assert schemas["Pet"]["required"] == source_pet["required"]
    assert schemas["Pet"]["properties"]["category"] == {"$ref": "#/components/schemas/Category"}
    assert components["responses"]["NotFound"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert petstore.component_sources["#/components/schemas/Pet"] == (
        (PETSTORE / "components.yaml").resolve(),
        "#/components/schemas/Pet",
    )


def test_fixture_circular_schemas_stay_refs(petstore: Any) -> None:
    schemas = petstore.document["components"]["schemas"]
    category = schemas["Category"]["properties"]["children"]["items"]
    assert category == {"$ref": "#/components/schemas/Category"}
    # shared/address.yaml refers to itself ('#'): it becomes a component of its own.
    assert schemas["Pet"]["properties"]["address"] == {"$ref": "#/components/schemas/address"}
    assert schemas["Owner"]["properties"]["home"] == {"$ref": "#/components/schemas/address"}
    assert schemas["address"]["properties"]["previous"] == {"$ref": "#/components/schemas/address"}


def test_fixture_security_moves_onto_operations_when_documents_differ(petstore: Any) -> None:
    document = petstore.document
    assert "security" not in document
    paths = document["paths"]
    assert paths["/pets"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/pets/{petId}"]["delete"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/owners"]["get"]
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }


def test_fixture_tags_servers_and_info(petstore: Any) -> None:
    document = petstore.document
    assert document["servers"] == [{"url": "/petstore"}]
    assert [tag["name"] for tag in document["tags"]] == ["owners", "pets"]
    assert document["info"]["title"] == "Petstore - owners"
    titled = bundle(discover([PETSTORE]), title="Petstore", description="All of it.")
    assert titled.document["info"]["title"] == "Petstore"
    assert titled.document["info"]["description"] == "All of it."


def test_examples_are_copied_verbatim(petstore: Any) -> None:
    media = petstore.document["paths"]["/pets"]["post"]["requestBody"]["content"]
    example = media["application/json"]["examples"]["rex"]["value"]
    assert example == {"name": "Rex", "password": "secret"}


def test_bundling_does_not_change_loaded_documents() -> None:
    files = [*discover([PETSTORE]), PETSTORE / "components.yaml"]
    before = {file: copy.deepcopy(load_file(file)) for file in files}
    result = bundle_folder(PETSTORE)
    result.document["paths"].clear()
    assert {file: load_file(file) for file in files} == before
    assert bundle_folder(PETSTORE).document["paths"]


# -- merging rules ---------------------------------------------------------------------------


def test_same_operation_twice_names_both_files(write_spec: WriteSpec) -> None:
    text = (
        "  /x:\n    get:\n      operationId: {0}\n      responses: {{'200': {{description: OK}}}}\n"
    )
    first = write_spec("a.yaml", module(text.format("one")))
    second = write_spec("b.yaml", module(text.format("two")))
    with pytest.raises(SpecError) as caught:
        bundle([first, second])
    assert "GET /x is defined in both" in str(caught.value)
    assert str(first) in str(caught.value)
    assert caught.value.file == second


def test_same_operation_id_twice_names_both_files(write_spec: WriteSpec) -> None:
    text = "  /{0}:\n    get:\n      operationId: same\n      responses: {{'200': {{}}}}\n"
    first = write_spec("a.yaml", module(text.format("a")))
    second = write_spec("b.yaml", module(text.format("b")))
    with pytest.raises(SpecError, match=r"operationId 'same' of GET /b is already used by GET /a"):
        bundle([first, second])
    lenient = bundle([first, second], strict=False)
    assert [conflict.code for conflict in lenient.conflicts] == ["duplicate-operation-id"]
    assert lenient.operation_ids == {"same": ("/a", "get")}
    assert set(lenient.document["paths"]) == {"/a", "/b"}


def test_servers_must_agree(write_spec: WriteSpec) -> None:
    ok = "  /{0}:\n    get:\n      responses: {{'200': {{description: OK}}}}\n"
    first = write_spec("a.yaml", module(ok.format("a"), "servers: [{url: /one}]\n"))
    second = write_spec("b.yaml", module(ok.format("b"), "servers: [{url: /two}]\n"))
    silent = write_spec("c.yaml", module(ok.format("c")))
    assert bundle([silent, first]).document["servers"] == [{"url": "/one"}]
    with pytest.raises(SpecError, match=r"'servers' differs from the one in .*a\.yaml"):
        bundle([first, second])


def test_identical_security_stays_top_level(write_spec: WriteSpec) -> None:
    ok = "  /{0}:\n    get:\n      responses: {{'200': {{description: OK}}}}\n"
    security = (
        "security: [{key: []}]\ncomponents:\n  securitySchemes:\n"
        "    key: {type: apiKey, in: header, name: X-Key}\n"
    )
    first = write_spec("a.yaml", module(ok.format("a")) + security)
    second = write_spec("b.yaml", module(ok.format("b")) + security)
    document = bundle([first, second]).document
    assert document["security"] == [{"key": []}]
    assert "security" not in document["paths"]["/a"]["get"]


def test_security_schemes_of_one_name_must_match(write_spec: WriteSpec) -> None:
    ok = "  /{0}:\n    get:\n      responses: {{'200': {{description: OK}}}}\n"
    scheme = "components:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: {0}}}\n"
    first = write_spec("a.yaml", module(ok.format("a")) + scheme.format("X-One"))
    second = write_spec("b.yaml", module(ok.format("b")) + scheme.format("X-Two"))
    with pytest.raises(SpecError, match="security scheme 'key' differs"):
        bundle([first, second])


def test_security_scheme_used_by_name_is_taken_from_a_referenced_document(
    write_spec: WriteSpec,
) -> None:
    write_spec(
        "components.yaml",
        """
        openapi: 3.0.3
        info: {title: C, version: '1'}
        paths: {}
        components:
          schemas:
            S: {type: string}
          securitySchemes:
            bearer: {type: http, scheme: bearer}
        """,
    )
    path = write_spec(
        "a.yaml",
        module(operation("/a", "get", "getA", "components.yaml#/components/schemas/S"))
        + "security: [{bearer: []}]\n",
    )
    document = bundle([path]).document
    assert document["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer"}
    }
    validate(document)


def test_different_path_parameters_move_onto_operations(write_spec: WriteSpec) -> None:
    template = """
    openapi: 3.0.3
    info: {{title: T, version: '1'}}
    paths:
      /items/{{id}}:
        parameters:
          - {{name: id, in: path, required: true, schema: {{type: {0}}}}}
        {1}:
          responses: {{'200': {{description: OK}}}}
    """
    first = write_spec("a.yaml", template.format("integer", "get"))
    second = write_spec("b.yaml", template.format("string", "delete"))
    item = bundle([first, second]).document["paths"]["/items/{id}"]
    assert "parameters" not in item
    assert item["get"]["parameters"][0]["schema"] == {"type": "integer"}
    assert item["delete"]["parameters"][0]["schema"] == {"type": "string"}
    validate(bundle([first, second]).document)


# -- refs ------------------------------------------------------------------------------------


def test_name_collisions_get_a_suffix_and_identical_content_is_shared(
    write_spec: WriteSpec,
) -> None:
    schemas = "components:\n  schemas:\n    Thing: {{type: {0}}}\n    Same: {{type: boolean}}\n"
    first = write_spec(
        "a.yaml",
        module(operation("/a", "get", "getA", "#/components/schemas/Thing"))
        + schemas.format("string"),
    )
    second = write_spec(
        "b.yaml",
        module(operation("/b", "get", "getB", "#/components/schemas/Thing"))
        + schemas.format("integer"),
    )
    result = bundle([first, second])
    document = result.document
    assert document["components"]["schemas"] == {
        "Thing": {"type": "string"},
        "Same": {"type": "boolean"},
        "Thing_b": {"type": "integer"},
    }
    schema_of_b = document["paths"]["/b"]["get"]["responses"]["200"]["content"]
    assert schema_of_b["application/json"]["schema"] == {"$ref": "#/components/schemas/Thing_b"}
    assert result.component_sources["#/components/schemas/Thing_b"] == (
        second.resolve(),
        "#/components/schemas/Thing",
    )


def test_ref_chains_across_files_collapse_onto_the_final_component(
    write_spec: WriteSpec,
) -> None:
    write_spec(
        "c.yaml",
        "components:\n  schemas:\n    Final: {type: object, properties: {n: {type: integer}}}\n",
    )
    write_spec(
        "b.yaml",
        "components:\n  schemas:\n    Middle: {$ref: 'c.yaml#/components/schemas/Final'}\n",
    )
    path = write_spec(
        "a.yaml", module(operation("/a", "get", "getA", "b.yaml#/components/schemas/Middle"))
    )
    document = bundle([path]).document
    assert document["components"]["schemas"] == {
        "Final": {"type": "object", "properties": {"n": {"type": "integer"}}}
    }
    assert_self_contained(document)


def test_circular_schemas_across_files(write_spec: WriteSpec) -> None:
    write_spec(
        "nodes.yaml",
        """
        components:
          schemas:
            Node:
              type: object
              properties:
                edges: {type: array, items: {$ref: 'edges.yaml#/components/schemas/Edge'}}
        """,
    )
    write_spec(
        "edges.yaml",
        """
        components:
          schemas:
            Edge:
              type: object
              properties:
                to: {$ref: 'nodes.yaml#/components/schemas/Node'}
        """,
    )
    path = write_spec(
        "api.yaml", module(operation("/n", "get", "getNode", "nodes.yaml#/components/schemas/Node"))
    )
    document = bundle([path]).document
    schemas = document["components"]["schemas"]
    assert schemas["Node"]["properties"]["edges"]["items"] == {"$ref": "#/components/schemas/Edge"}
    assert schemas["Edge"]["properties"]["to"] == {"$ref": "#/components/schemas/Node"}
    validate(document)


def test_non_component_targets_are_inlined(write_spec: WriteSpec) -> None:
    write_spec(
        "money.yaml",
        "Money:\n  type: object\n  properties:\n    amount: {$ref: '#/Amount'}\n"
        "Amount: {type: number, minimum: 0}\n",
    )
    write_spec(
        "extras.yaml", "limits:\n  PageSize: {name: size, in: query, schema: {type: integer}}\n"
    )
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /pay:
            get:
              parameters:
                - $ref: 'extras.yaml#/limits/PageSize'
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema: {$ref: 'money.yaml#/Money'}
        """,
    )
    document = bundle([path]).document
    get = document["paths"]["/pay"]["get"]
    assert get["parameters"] == [{"name": "size", "in": "query", "schema": {"type": "integer"}}]
    schema = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["amount"] == {"type": "number", "minimum": 0}
    assert "components" not in document
    validate(document)


def test_refs_inside_examples_are_data(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /docs:
            get:
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          example: {type: object}
                          $ref: {type: string}
                      example: {$ref: 'elsewhere.yaml#/x'}
        """,
    )
    media = bundle([path]).document["paths"]["/docs"]["get"]["responses"]["200"]["content"]
    assert media["application/json"]["example"] == {"$ref": "elsewhere.yaml#/x"}
    assert media["application/json"]["schema"]["properties"]["$ref"] == {"type": "string"}


def test_discriminator_mappings_follow_the_bundle(write_spec: WriteSpec) -> None:
    write_spec(
        "pets.yaml",
        """
        components:
          schemas:
            Pet:
              type: object
              required: [kind]
              properties: {kind: {type: string}}
              discriminator:
                propertyName: kind
                mapping:
                  dog: '#/components/schemas/Dog'
            Dog:
              allOf: [{$ref: '#/components/schemas/Pet'}]
        """,
    )
    path = write_spec(
        "api.yaml", module(operation("/pets", "get", "getPet", "pets.yaml#/components/schemas/Pet"))
    )
    document = bundle([path]).document
    schemas = document["components"]["schemas"]
    assert schemas["Pet"]["discriminator"]["mapping"] == {"dog": "#/components/schemas/Dog"}
    assert schemas["Dog"] == {"allOf": [{"$ref": "#/components/schemas/Pet"}]}
    validate(document)


def test_unresolvable_refs_name_the_file(write_spec: WriteSpec, tmp_path: Path) -> None:
    write_spec("components.yaml", "components:\n  schemas: {}\n")
    path = write_spec(
        "api.yaml", module(operation("/a", "get", "getA", "components.yaml#/components/schemas/X"))
    )
    with pytest.raises(SpecError) as caught:
        bundle([path])
    assert caught.value.file == (tmp_path / "components.yaml").resolve()
    assert "$ref target #/components/schemas/X does not exist" in caught.value.message
    assert f"(from $ref 'components.yaml#/components/schemas/X' in {path.resolve()})" in str(
        caught.value
    )
    missing = write_spec(
        "other.yaml", module(operation("/a", "get", "getA", "absent.yaml#/components/schemas/X"))
    )
    with pytest.raises(SpecError, match=r"absent\.yaml: no such file"):
        bundle([missing])


def test_swagger2_documents_bundle_with_definitions(write_spec: WriteSpec) -> None:
    write_spec(
        "defs.yaml", "definitions:\n  Pet: {type: object, properties: {name: {type: string}}}\n"
    )
    path = write_spec(
        "api.yaml",
        """
        swagger: '2.0'
        info: {title: T, version: '1'}
        paths:
          /pets:
            get:
              responses:
                '200':
                  description: OK
                  schema: {$ref: 'defs.yaml#/definitions/Pet'}
        """,
    )
    document = bundle([path]).document
    assert document["definitions"] == {
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}}}
    }
    validate(document)


def test_mixed_versions_are_refused(write_spec: WriteSpec) -> None:
    ok = "  /{0}:\n    get:\n      responses: {{'200': {{description: OK}}}}\n"
    first = write_spec("a.yaml", module(ok.format("a")))
    second = write_spec("b.yaml", module(ok.format("b")).replace("3.0.3", "3.1.0"))
    with pytest.raises(SpecError, match=r"OpenAPI version 3\.1 differs from 3\.0"):
        bundle([first, second])


def test_nothing_to_bundle() -> None:
    with pytest.raises(SpecError, match="nothing to bundle"):
        bundle([])


def test_path_items_by_ref_and_folders_among_paths(write_spec: WriteSpec) -> None:
    write_spec(
        "shared/items.yaml",
        """
        paths:
          /items:
            get:
              operationId: listItems
              responses: {'200': {description: OK}}
        """,
    )
    path = write_spec(
        "api/items.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /items: {$ref: '../shared/items.yaml#/paths/~1items'}
        """,
    )
    result = bundle([path.parent])
    assert result.document["paths"] == {
        "/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "OK"}}}}
    }
    assert result.sources == {("/items", "get"): path.parent / "items.yaml"}


def test_openapi31_webhooks_and_top_level_extensions(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        x-logo: {url: logo.png}
        paths: {}
        webhooks:
          newPet:
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: 'pet.yaml'}
              responses: {'200': {description: OK}}
        """,
    )
    write_spec("pet.yaml", "type: object\nproperties:\n  name: {type: string}\n")
    document = bundle([path]).document
    assert document["x-logo"] == {"url": "logo.png"}
    body = document["webhooks"]["newPet"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"type": "object", "properties": {"name": {"type": "string"}}}
    validate(document)


def test_a_ref_in_an_extension_that_leads_nowhere_is_kept_as_written(write_spec: WriteSpec) -> None:
    """x-codeSamples naming code files not shipped with the document: extensions are no
    part of the specification, so the document is still read; a ref in a schema is not."""
    write_spec("shared.yaml", "Thing: {type: object, properties: {id: {type: string}}}\n")
    samples = (
        "      x-codeSamples:\n        - lang: PHP\n"
        "          source: {$ref: 'examples/Missing.php'}\n"
        "      x-shape: {$ref: 'shared.yaml#/Thing'}\n"
    )
    text = operation("/things", "get", "listThings", "shared.yaml#/Thing") + samples
    bundled = bundle([write_spec("api.yaml", module(text))]).document
    get = bundled["paths"]["/things"]["get"]
    assert get["x-codeSamples"][0]["source"] == {"$ref": "examples/Missing.php"}
    assert "shared.yaml" not in str(get["x-shape"]), "a ref that leads somewhere is followed"
    broken = operation("/things", "get", "listThings", "shared.yaml#/Nowhere")
    with pytest.raises(SpecError):
        bundle([write_spec("broken.yaml", module(broken))])
