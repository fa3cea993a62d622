"""Generated data validates against its schema, is deterministic, and respects the keywords."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractkit.mock.document.schemas import REQUEST, RESPONSE, CompiledSchema, SchemaCompiler
from contractkit.mock.generation.generator import Generator, generate_valid
from contractkit.mock.generation.regexgen import string_for_pattern
from contractkit.openapi.workspace import Workspace

FORMATS = ["date", "date-time", "time", "email", "uuid", "uri", "ipv4", "ipv6", "hostname", "byte"]
PATTERNS = [r"^[A-Z]{3}-\d{4}$", r"^(foo|bar)+[0-9]?$", r"^\w+@\w+\.com$", r"^#[0-9a-f]{6}$"]


@st.composite
def strings(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "format", "pattern", "enum"]))
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    if kind == "enum":
        return {
            "type": "string",
            "enum": draw(
                st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4, unique=True)
            ),
        }
    low = draw(st.integers(0, 20))
    return {"type": "string", "minLength": low, "maxLength": low + draw(st.integers(0, 10))}


@st.composite
def numbers(draw: st.DrawFn) -> dict[str, Any]:
    integer = draw(st.booleans())
    low = draw(st.integers(-1000, 1000))
    schema: dict[str, Any] = {"type": "integer" if integer else "number", "minimum": low}
    schema["maximum"] = low + draw(st.integers(2, 500))
    if draw(st.booleans()):
        schema["exclusiveMinimum"] = True
    if integer and draw(st.booleans()):
        schema["multipleOf"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        schema["format"] = "int32" if integer else "double"
    return schema


scalars = st.one_of(strings(), numbers(), st.just({"type": "boolean"}))


def containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)

    @st.composite
    def objects(draw: st.DrawFn) -> dict[str, Any]:
        props = draw(st.dictionaries(names, children, min_size=1, max_size=4))
        required = [n for n in props if draw(st.booleans())]
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        if draw(st.booleans()):
            schema["nullable"] = True
        if draw(st.booleans()):
            schema["additionalProperties"] = False
        return schema

    @st.composite
    def arrays(draw: st.DrawFn) -> dict[str, Any]:
        low = draw(st.integers(0, 3))
        return {"type": "array", "items": draw(children), "minItems": low, "maxItems": low + 3}

    @st.composite
    def combined(draw: st.DrawFn) -> dict[str, Any]:
        first = draw(objects())
        second = draw(objects())
        kind = draw(st.sampled_from(["allOf", "anyOf", "oneOf"]))
        if kind == "oneOf":
            first = {
                **first,
                "required": ["kind"],
                "properties": {**first["properties"], "kind": {"type": "string", "enum": ["a"]}},
            }
            second = {
                **second,
                "required": ["kind"],
                "properties": {**second["properties"], "kind": {"type": "string", "enum": ["b"]}},
            }
            first.pop("nullable", None)
            second.pop("nullable", None)
        if kind == "allOf":
            # Inheritance-like: the parts add different properties (conflicting parts would
            # make the schema unsatisfiable, which no generator can help).
            first.pop("additionalProperties", None)
            second.pop("additionalProperties", None)
            second["properties"] = {"z" + name: sub for name, sub in second["properties"].items()}
            if "required" in second:
                second["required"] = ["z" + name for name in second["required"]]
        return {kind: [first, second]}

    return st.one_of(objects(), arrays(), combined())


schemas = st.recursive(scalars, containers, max_leaves=8)


def compile_schema(
    tmp_path: Path, schema: Any, direction: str = RESPONSE, version: str = "3.0.3"
) -> CompiledSchema:
    path = tmp_path / f"doc-{random.random()}.yaml"
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"S": schema}},
    }
    path.write_text(yaml.safe_dump(document))
    workspace = Workspace.load([path])
    return SchemaCompiler(workspace).compile(
        workspace.resolve("#/components/schemas/S", path), direction
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schema=schemas, seed=st.integers(0, 2**32), dynamic=st.booleans())
def test_every_generated_value_validates(
    tmp_path: Path, schema: dict[str, Any], seed: int, dynamic: bool
) -> None:
    compiled = compile_schema(tmp_path, schema)
    value, valid = generate_valid(compiled, random.Random(seed), dynamic=dynamic)
    assert valid, (schema, value, compiled.errors(value))
    assert compiled.is_valid(value)


def test_object_is_never_null_even_when_nullable(tmp_path: Path) -> None:
    compiled = compile_schema(
        tmp_path, {"type": "object", "nullable": True, "properties": {"a": {"type": "string"}}}
    )
    for seed in range(20):
        value, _ = generate_valid(compiled, random.Random(seed), dynamic=True)
        assert isinstance(value, dict)


def test_generation_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    compiled = compile_schema(
        tmp_path,
        {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {"n": {"type": "integer"}, "s": {"type": "string", "format": "uuid"}},
            },
        },
    )
    first = generate_valid(compiled, random.Random(42), dynamic=True)
    assert first == generate_valid(compiled, random.Random(42), dynamic=True)
    assert first != generate_valid(compiled, random.Random(43), dynamic=True)


def test_examples_are_preferred_in_static_mode_and_skipped_when_dynamic(tmp_path: Path) -> None:
    compiled = compile_schema(
        tmp_path, {"type": "string", "example": "from-example", "minLength": 3}
    )
    assert generate_valid(compiled, random.Random(0))[0] == "from-example"
    assert generate_valid(compiled, random.Random(0), dynamic=True)[0] != "from-example"


def test_read_only_and_write_only_properties_are_left_out(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    }
    response = Generator(compile_schema(tmp_path, schema, RESPONSE), random.Random(0)).value()
    request = Generator(compile_schema(tmp_path, schema, REQUEST), random.Random(0)).value()
    assert set(response) == {"id", "name"}
    assert set(request) == {"secret", "name"}


def test_discriminator_sets_the_mapped_label(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Pet": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Cat"},
                        {"$ref": "#/components/schemas/Dog"},
                    ],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {
                            "kitty": "#/components/schemas/Cat",
                            "doggy": "#/components/schemas/Dog",
                        },
                    },
                },
                "Cat": {
                    "type": "object",
                    "required": ["type", "meows"],
                    "properties": {"type": {"type": "string"}, "meows": {"type": "boolean"}},
                },
                "Dog": {
                    "type": "object",
                    "required": ["type", "barks"],
                    "properties": {"type": {"type": "string"}, "barks": {"type": "boolean"}},
                },
            }
        },
    }
    path = tmp_path / "pets.yaml"
    path.write_text(yaml.safe_dump(document))
    workspace = Workspace.load([path])
    compiled = SchemaCompiler(workspace).compile(
        workspace.resolve("#/components/schemas/Pet", path), RESPONSE
    )
    labels = set()
    for seed in range(12):
        value, valid = generate_valid(compiled, random.Random(seed), dynamic=True)
        assert valid
        labels.add(value["type"])
        assert ("meows" in value) == (value["type"] == "kitty")
    assert labels == {"kitty", "doggy"}


@pytest.mark.parametrize("pattern", [*PATTERNS, r"^\d{2,4}(-[a-z]+)?$", r"^[^0-9\s]{5}$"])
def test_pattern_strings_match(pattern: str) -> None:
    import re

    for seed in range(10):
        text = string_for_pattern(pattern, random.Random(seed), 0, 40)
        assert text is not None and re.search(pattern, text)
