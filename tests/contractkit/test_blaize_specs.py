"""The Blaize Admin API contract (``specs/blaize``) checked against itself and its seed.

The seed is the API Blueprint rendering the contract was written from; a copy lives in
``fixtures/seeds`` beside this test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import connexion
import pytest
import yaml
from connexion.resolver import Resolver
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    oas30_format_checker,
)
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT4

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "specs" / "blaize"
SEED = Path(__file__).parent / "fixtures" / "seeds" / "002_d308c130415858bf.txt"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SEED_HEADING = re.compile(r"^(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS)(/\S*)$")
SEED_RESPONSE = re.compile(r"^Response\s+(\d{3})$")
SEED_MESSAGE_START = re.compile(r"^(Request|Response)\s")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
SCHEMA_KEYWORDS = {"type", "properties", "items", "allOf", "oneOf", "anyOf", "$ref", "enum"}


# --------------------------------------------------------------------------- documents


def spec_paths() -> list[Path]:
    return sorted(SPEC_DIR.glob("*.yaml"))


def module_paths() -> list[Path]:
    return [path for path in spec_paths() if path.name != "components.yaml"]


@cache
def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve(node: Any, base: Path) -> tuple[Any, Path]:
    """Follow ``$ref`` (possibly into another file) until a non-reference node is reached."""
    for _ in range(20):
        if not (isinstance(node, dict) and "$ref" in node):
            return node, base
        file_part, _, pointer = node["$ref"].partition("#")
        if file_part:
            base = (base.parent / file_part).resolve()
        node = load(base)
        for token in pointer.split("/")[1:]:
            node = node[token.replace("~1", "/").replace("~0", "~")]
    raise AssertionError(f"reference chain too long in {base}")


@dataclass(frozen=True)
class Operation:
    document: Path
    path: str
    method: str
    spec: dict[str, Any] = field(hash=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.document.name})"


def all_operations() -> Iterator[Operation]:
    for document in module_paths():
        for path, item in (load(document).get("paths") or {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    yield Operation(document, path, method, item[method])


def operations() -> Iterator[Operation]:
    """The operations of the published API; ``x-addition`` marks (and explains) the others."""
    return (operation for operation in all_operations() if "x-addition" not in operation.spec)


def test_additions_to_the_published_api_are_few_and_explained() -> None:
    additions = [operation for operation in all_operations() if "x-addition" in operation.spec]
    assert {(operation.method, operation.path) for operation in additions} == {
        ("get", "/v3/cache-management/evictions"),
        ("get", "/v3/cache-management/origin-responses"),
        ("post", "/v3/cache-management/origin-responses"),
        ("get", "/v3/accounts/{accountId}/grants"),
        ("post", "/v3/accounts/{accountId}/grants"),
        ("get", "/v3/users/{user_id}/extended-profiles/{appId}"),
        ("put", "/v3/users/{user_id}/extended-profiles/{appId}"),
        ("get", "/confirm/passwordless"),
        ("get", "/confirm/password-reset"),
        ("post", "/confirm/password-reset"),
        ("get", "/confirm/email-update"),
    }
    for operation in additions:
        marker = operation.spec["x-addition"]
        # The reason is given in the marker, or (``true``) in an addition document's description.
        explained = marker is True and load(operation.document)["info"].get("x-addition") is True
        assert explained or len(str(marker)) > 20, operation.label


def test_operations_outside_the_seed_are_marked_as_additions() -> None:
    unmarked = [
        operation.label
        for operation in operations()
        if (operation.method, operation.path) not in seed_operations()
    ]
    assert not unmarked


def parameters_of(operation: Operation) -> list[dict[str, Any]]:
    item = load(operation.document)["paths"][operation.path]
    raw = [*item.get("parameters", []), *operation.spec.get("parameters", [])]
    return [resolve(parameter, operation.document)[0] for parameter in raw]


def responses_of(operation: Operation) -> dict[str, dict[str, Any]]:
    return {
        str(status): resolve(response, operation.document)[0]
        for status, response in operation.spec["responses"].items()
    }


def example_values(container: dict[str, Any]) -> list[Any]:
    """The ``example`` and every ``examples[*].value`` of a media type or parameter."""
    values = [container["example"]] if "example" in container else []
    values += [example["value"] for example in (container.get("examples") or {}).values()]
    return values


def operation_examples(operation: Operation) -> list[Any]:
    values: list[Any] = []
    body = resolve(operation.spec.get("requestBody", {}), operation.document)[0]
    for media in (body.get("content") or {}).values():
        values += example_values(media)
    for response in responses_of(operation).values():
        for media in (response.get("content") or {}).values():
            values += example_values(media)
    return values


# --------------------------------------------------------------------------- the seed


@dataclass
class SeedOperation:
    method: str
    path: str
    statuses: set[str] = field(default_factory=set)
    json_bodies: list[Any] = field(default_factory=list)
    text_bodies: list[str] = field(default_factory=list)


@cache
def seed_lines() -> tuple[str, ...]:
    return tuple(SEED.read_text(encoding="utf-8").splitlines())


def seed_headings() -> list[tuple[str, str]]:
    """Every ``GET/v3/accounts`` heading, with the URI template's query part removed."""
    found = []
    for line in seed_lines():
        match = SEED_HEADING.match(line.strip())
        if match:
            found.append((match[1].lower(), re.sub(r"\{\?[^}]*\}", "", match[2])))
    return found


@cache
def seed_operations() -> dict[tuple[str, str], SeedOperation]:
    """The seed's operations by (method, path); repeated headings are merged."""
    result: dict[tuple[str, str], SeedOperation] = {}
    current: SeedOperation | None = None
    lines = seed_lines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        heading = SEED_HEADING.match(line)
        if heading:
            method, path = heading[1].lower(), re.sub(r"\{\?[^}]*\}", "", heading[2])
            current = result.setdefault((method, path), SeedOperation(method, path))
        elif current is not None and SEED_RESPONSE.match(line):
            current.statuses.add(SEED_RESPONSE.match(line)[1])
        elif current is not None and line == "Body":
            body: list[str] = []
            index += 1
            while index < len(lines):
                text = lines[index].strip()
                if text == "Schema" or SEED_MESSAGE_START.match(text) or SEED_HEADING.match(text):
                    break
                body.append(lines[index])
                index += 1
            raw = "\n".join(body).strip()
            try:
                current.json_bodies.append(json.loads(raw))
            except json.JSONDecodeError:
                current.text_bodies.append(raw)
            continue
        index += 1
    return result


# --------------------------------------------------------------------------- examples


@dataclass(frozen=True)
class ExampleCase:
    document: Path
    pointer: str
    value: Any = field(hash=False, compare=False)
    direction: str = "any"  # "write" for requests, "read" for responses


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def examples_in(node: Any, document: Path, pointer: str, direction: str) -> Iterator[ExampleCase]:
    """Every example of ``node`` with the JSON pointer of the schema it must satisfy."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from examples_in(item, document, f"{pointer}/{index}", direction)
        return
    if not isinstance(node, dict):
        return
    if "schema" in node:
        for value in example_values(node):
            yield ExampleCase(document, f"{pointer}/schema", value, direction)
    elif "example" in node and SCHEMA_KEYWORDS & node.keys():
        yield ExampleCase(document, pointer, node["example"], direction)
    for key, child in node.items():
        if key in ("example", "examples"):
            continue
        child_direction = direction
        if key in ("requestBody", "parameters"):
            child_direction = "write"
        elif key == "responses":
            child_direction = "read"
        yield from examples_in(child, document, f"{pointer}/{escape(str(key))}", child_direction)


def all_example_cases() -> list[ExampleCase]:
    return [case for path in spec_paths() for case in examples_in(load(path), path, "", "any")]


@cache
def registry() -> Registry:
    resources = [(path.as_uri(), DRAFT4.create_resource(load(path))) for path in spec_paths()]
    return Registry().with_resources(resources)


VALIDATORS = {"any": OAS30Validator, "read": OAS30ReadValidator, "write": OAS30WriteValidator}


def example_errors(case: ExampleCase) -> list[str]:
    validator_class = VALIDATORS[case.direction]
    reference = {"$ref": f"{case.document.as_uri()}#{case.pointer}"}
    validator = validator_class(reference, registry=registry(), format_checker=oas30_format_checker)
    return [
        f"{case.document.name}#{case.pointer}: {error.message}"
        for error in validator.iter_errors(case.value)
    ]


# --------------------------------------------------------------------------- tests


MODULES = {
    "accounts",
    "admin_users",
    "bundles",
    "cache_configurations",
    "certs",
    "companies",
    "configuration",
    "credits",
    "decision_engine",
    "entitlements",
    "feature_rules",
    "forms",
    "gifts",
    "grants",
    "initialize",
    "meters",
    "oauth2",
    "products",
    "promo_codes",
    "request_rules",
    "sessions",
    "static_items",
    "user_export",
    "user_schema",
    "users",
    "webhooks",
}


ADDITION_DOCUMENTS = {"confirm"}
"""Documents of operations the seed lacks (every one marked ``x-addition``)."""


def test_every_module_of_the_seed_has_a_document() -> None:
    assert {path.stem for path in spec_paths()} == MODULES | ADDITION_DOCUMENTS | {"components"}


@pytest.mark.parametrize("path", spec_paths(), ids=lambda path: path.name)
def test_document_is_valid_openapi_3_0_3(path: Path) -> None:
    document = load(path)
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "/blaize"}]
    assert document["info"]["title"] == f"Blaize Admin API - {path.stem}"
    validate(document, base_uri=path.as_uri())


def test_seed_has_127_operation_headings() -> None:
    headings = seed_headings()
    assert len(headings) == 127
    # The token endpoint is documented twice (code exchange and refresh).
    assert len(set(headings)) == 126


def test_every_seed_operation_is_specified_and_nothing_else() -> None:
    specified = [(operation.method, operation.path) for operation in operations()]
    assert len(specified) == len(set(specified)), "an operation is specified twice"
    assert set(specified) == set(seed_headings())


def test_every_seed_status_is_documented() -> None:
    missing = []
    for operation in operations():
        seed = seed_operations()[(operation.method, operation.path)]
        absent = seed.statuses - set(responses_of(operation))
        if absent:
            missing.append(f"{operation.label}: {sorted(absent)}")
    assert not missing


def test_every_seed_json_body_is_kept_as_an_example() -> None:
    missing = []
    for operation in operations():
        kept = operation_examples(operation)
        described = operation.spec.get("description", "")
        for body in seed_operations()[(operation.method, operation.path)].json_bodies:
            if body not in kept and "differs from the seed's examples" not in described:
                missing.append(f"{operation.label}: {json.dumps(body)[:80]}")
    assert not missing


def test_every_seed_text_body_is_kept_or_the_choice_is_explained() -> None:
    unexplained = []
    for operation in operations():
        seed = seed_operations()[(operation.method, operation.path)]
        kept = operation_examples(operation)
        for body in seed.text_bodies:
            if body not in kept and "Choice:" not in operation.spec.get("description", ""):
                unexplained.append(f"{operation.label}: {body[:60]!r}")
    assert not unexplained


def test_seed_bodies_were_found() -> None:
    # Guards the seed parser: the seed has dozens of JSON bodies and seven text ones.
    bodies = seed_operations().values()
    assert sum(len(operation.json_bodies) for operation in bodies) > 60
    assert sum(len(operation.text_bodies) for operation in bodies) == 7


def test_every_example_validates_against_its_schema() -> None:
    cases = all_example_cases()
    assert len(cases) > 100
    errors = [message for case in cases for message in example_errors(case)]
    assert not errors, "\n".join(errors)


def test_example_validation_rejects_a_wrong_example() -> None:
    path = SPEC_DIR / "accounts.yaml"
    pointer = "/paths/~1v3~1accounts/post/requestBody/content/application~1json/schema"
    wrong = ExampleCase(path, pointer, {"number_of_seats": "five"}, "write")
    assert example_errors(wrong)


def test_operation_ids_are_camel_case_and_unique() -> None:
    ids = [operation.spec.get("operationId", "") for operation in operations()]
    assert all(CAMEL_CASE.match(operation_id) for operation_id in ids), ids
    duplicates = {operation_id for operation_id in ids if ids.count(operation_id) > 1}
    assert not duplicates


def test_every_operation_is_documented_and_tagged() -> None:
    for operation in operations():
        assert operation.spec.get("summary"), operation.label
        assert operation.spec.get("description"), operation.label
        declared = {tag["name"] for tag in load(operation.document).get("tags", [])}
        assert operation.spec.get("tags"), operation.label
        assert set(operation.spec["tags"]) <= declared, operation.label


def is_error_body(response: dict[str, Any]) -> bool:
    media = (response.get("content") or {}).get("application/json")
    if not media:
        return False
    # Module documents reach Error through components.yaml; shared responses live there.
    reference = media["schema"].get("$ref", "")
    return reference in ("components.yaml#/components/schemas/Error", "#/components/schemas/Error")


def test_every_4xx_answer_carries_the_error_body() -> None:
    for operation in operations():
        errors = {
            status: response
            for status, response in responses_of(operation).items()
            if status.startswith("4")
        }
        assert {"400", "401", "403"} <= errors.keys(), operation.label
        for status, response in errors.items():
            assert is_error_body(response), f"{operation.label} {status}"


def test_operations_addressed_by_an_id_answer_404() -> None:
    for operation in operations():
        if any(parameter["in"] == "path" for parameter in parameters_of(operation)):
            assert "404" in responses_of(operation), operation.label


def test_path_templates_match_path_parameters() -> None:
    for operation in operations():
        template = set(re.findall(r"\{([^}]+)\}", operation.path))
        declared = {p["name"] for p in parameters_of(operation) if p["in"] == "path"}
        assert template == declared, operation.label


def test_every_status_has_a_body_schema() -> None:
    for operation in operations():
        for status, response in responses_of(operation).items():
            content = response.get("content") or {}
            assert content, f"{operation.label} {status}"
            assert all("schema" in media for media in content.values())


def test_links_name_operations_and_parameters_of_the_same_document() -> None:
    found = 0
    by_id = {op.spec["operationId"]: op for op in operations()}
    for operation in operations():
        for response in responses_of(operation).values():
            for name, link in (response.get("links") or {}).items():
                found += 1
                target = by_id[link["operationId"]]
                assert target.document == operation.document, name
                names = {parameter["name"] for parameter in parameters_of(target)}
                assert set(link.get("parameters", {})) <= names, name
    assert found > 40


def test_every_create_links_to_the_operations_using_the_new_id() -> None:
    creates = [
        operation
        for operation in operations()
        if any(status == "201" for status in responses_of(operation))
        and operation.spec["operationId"].startswith(("create", "issue"))
    ]
    assert creates
    for operation in creates:
        assert responses_of(operation)["201"].get("links"), operation.label


def walk_schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for key, child in node.items():
            if key not in ("example", "examples"):
                yield from walk_schemas(child)
    elif isinstance(node, list):
        for child in node:
            yield from walk_schemas(child)


def test_no_draft_04_leftovers() -> None:
    for path in spec_paths():
        for node in walk_schemas(load(path)):
            assert "$schema" not in node, path.name
            assert not isinstance(node.get("type"), list), path.name


def test_open_operations_are_exactly_login_token_and_session_creation() -> None:
    open_operations = set()
    for operation in operations():
        security = operation.spec.get("security", load(operation.document).get("security"))
        if security is None or {} in security or security == []:
            open_operations.add(operation.spec["operationId"])
    assert open_operations == {
        "adminLogin",
        "requestOauth2Token",
        "createSession",
        "createSiteSession",
        "createAnonymousSiteSession",
    }


def template_matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return template != path and re.fullmatch(pattern, path) is not None


@pytest.mark.parametrize("path", module_paths(), ids=lambda path: path.name)
def test_static_paths_come_before_templates_that_match_them(path: Path) -> None:
    # Routers that try paths in document order (Connexion does) must reach
    # ``/v3/accounts/users`` before ``/v3/accounts/{id}``.
    order = list(load(path)["paths"])
    for index, template in enumerate(order):
        shadowed = [later for later in order[index + 1 :] if template_matches(template, later)]
        assert not shadowed, f"{template} shadows {shadowed}"


def sample_segment(document: Path, placeholder: str) -> str:
    """A value for ``{name}`` in a path of ``document``: ``1`` for integers, else ``x1``."""
    name = placeholder.strip("{}")
    for operation in all_operations():
        if operation.document != document:
            continue
        for parameter in parameters_of(operation):
            if parameter["in"] == "path" and parameter["name"] == name:
                integer = parameter.get("schema", {}).get("type") == "integer"
                return "1" if integer else "x1"
    return "x1"


def _stand_in_handler(**_parameters: Any) -> tuple[dict[str, bool], int]:
    """Stands in for the implementation's handlers: only routing is checked here."""
    return {"handled": True}, 200


@pytest.mark.parametrize("path", module_paths(), ids=lambda path: path.name)
def test_document_loads_in_connexion_and_routes_every_operation(path: Path) -> None:
    app = connexion.AsyncApp(__name__)
    app.add_api(path, resolver=Resolver(function_resolver=lambda _id: _stand_in_handler))
    client = app.test_client()
    for template, item in load(path)["paths"].items():
        url = "/blaize" + re.sub(
            r"\{[^}]+\}", lambda match: sample_segment(path, match[0]), template
        )
        for method in HTTP_METHODS:
            if method in item:
                status = client.request(method.upper(), url).status_code
                assert status not in (404, 405), f"{method.upper()} {url}: {status}"
