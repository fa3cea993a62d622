"""Habits of published documents that break the letter of the specification but are served
as their authors meant them: operations and schema maps kept in files of their own, and
schemas the 2020-12 meta-schema refuses."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import yaml

from contractkit.mock.document.schemas import (
    REQUEST,
    RESPONSE,
    CompiledSchema,
    SchemaCompiler,
    build_validator,
)
from contractkit.mock.engine import MockEngine
from contractkit.mock.generation.generator import generate_valid
from contractkit.mock.types import MockRequest
from contractkit.openapi.workspace import Workspace


def write(folder: Path, name: str, content: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    return path


def get(engine: MockEngine, path: str) -> tuple[int, Any]:
    answer = engine.handle(MockRequest("GET", path, "", {"accept": "application/json"}))
    return answer.status, json.loads(answer.body) if answer.body else None


def test_an_operation_kept_in_a_file_of_its_own_is_served_with_its_responses(
    tmp_path: Path,
) -> None:
    # paths./things.get is a $ref to the operation, whose own refs are relative to its file.
    write(
        tmp_path,
        "resources/things/list.yaml",
        {
            "operationId": "things_list",
            "parameters": [{"$ref": "parameters.yaml#/per_page"}],
            "responses": {
                "200": {"$ref": "responses/all.yaml"},
                "404": {"description": "none"},
            },
        },
    )
    write(
        tmp_path,
        "resources/things/parameters.yaml",
        {"per_page": {"name": "per_page", "in": "query", "schema": {"type": "integer"}}},
    )
    write(
        tmp_path,
        "resources/things/responses/all.yaml",
        {
            "description": "the things",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["things"],
                        "properties": {
                            "things": {"type": "array", "items": {"$ref": "../thing.yaml"}}
                        },
                    }
                }
            },
        },
    )
    write(
        tmp_path,
        "resources/things/thing.yaml",
        {
            "type": "object",
            "required": ["slug"],
            "properties": {"slug": {"type": "string", "example": "alpha"}},
        },
    )
    root = write(
        tmp_path,
        "api.yaml",
        {
            "openapi": "3.0.0",
            "info": {"title": "split", "version": "1"},
            "paths": {"/things": {"get": {"$ref": "resources/things/list.yaml"}}},
        },
    )
    engine = MockEngine.from_paths([root])
    (operation,) = engine.operations
    assert operation.operation_id == "things_list"
    assert sorted(operation.responses) == ["200", "404"]
    assert [p.name for p in operation.parameters] == ["per_page"]
    status, body = get(engine, "/things")
    assert status == 200
    assert body == {"things": [{"slug": "alpha"}]}
    assert get(engine, "/things?per_page=x")[0] == 404  # the documented refusal


def test_a_properties_map_given_as_a_ref_is_read_where_it_points(tmp_path: Path) -> None:
    write(
        tmp_path,
        "models/attributes.yaml",
        {
            "droplet_ids": {
                "droplet_ids": {"type": "array", "items": {"$ref": "id.yaml"}},
            }
        },
    )
    write(tmp_path, "models/id.yaml", {"type": "integer", "minimum": 1, "example": 7})
    write(
        tmp_path,
        "models/balancer.yaml",
        {
            "allOf": [
                {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "example": "lb"}},
                },
                {"type": "object", "properties": {"$ref": "attributes.yaml#/droplet_ids"}},
            ]
        },
    )
    root = write(
        tmp_path,
        "api.yaml",
        {
            "openapi": "3.0.0",
            "info": {"title": "maps", "version": "1"},
            "paths": {
                "/balancer": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "one",
                                "content": {
                                    "application/json": {"schema": {"$ref": "models/balancer.yaml"}}
                                },
                            }
                        }
                    }
                }
            },
        },
    )
    engine = MockEngine.from_paths([root])
    status, body = get(engine, "/balancer")
    assert status == 200
    assert body == {"name": "lb", "droplet_ids": [7]}
    workspace = Workspace.load([root])
    schema = SchemaCompiler(workspace).compile(
        workspace.resolve("models/balancer.yaml", root), RESPONSE
    )
    assert schema.is_valid({"name": "lb", "droplet_ids": [1, 2]})
    assert not schema.is_valid({"name": "lb", "droplet_ids": [0]})


def test_a_required_name_listed_twice_is_required_once(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "api.yaml",
        {
            "openapi": "3.1.0",
            "info": {"title": "twice", "version": "1"},
            "paths": {
                "/container": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "one",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "string", "example": "c1"},
                                                "name": {"type": "string", "example": "n"},
                                            },
                                            "required": ["id", "name", "id"],
                                        }
                                    }
                                },
                            }
                        }
                    }
                }
            },
        },
    )
    engine = MockEngine.from_paths([root])
    assert get(engine, "/container") == (200, {"id": "c1", "name": "n"})


def test_a_schema_member_the_meta_schema_refuses_costs_that_member_only() -> None:
    validator = build_validator(
        {
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": "not a schema"},
            "minProperties": "one",
        }
    )
    assert validator.is_valid({"a": "x", "b": 1})
    assert not validator.is_valid({"a": 1})
    assert not validator.is_valid({})


def test_optional_members_no_value_can_satisfy_are_left_out_also_below_nullable_ones(
    tmp_path: Path,
) -> None:
    # An array with a string enum admits no value; the owner is a required nullable object.
    impossible = {"type": "array", "items": {"type": "string"}, "enum": ["drugs", "safe"]}
    user = {
        "type": "object",
        "nullable": True,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "example": "staff"},
            "content_filter": {**impossible, "example": "drugs"},
            "ratings": impossible,
            "labels": impossible,
        },
    }
    root = write(
        tmp_path,
        "api.yaml",
        {
            "openapi": "3.0.2",
            "info": {"title": "impossible", "version": "1"},
            "paths": {
                "/page": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "one",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "object",
                                            "required": ["owner", "trailer"],
                                            "properties": {"owner": user, "trailer": user},
                                        }
                                    }
                                },
                            }
                        }
                    }
                }
            },
        },
    )
    engine = MockEngine.from_paths([root])
    answer = engine.handle(MockRequest("GET", "/page", "", {"accept": "application/json"}))
    assert answer.status == 200
    assert "x-contractkit-warning" not in answer.headers
    body = json.loads(answer.body)
    assert sorted(body) == ["owner", "trailer"]
    assert body["owner"] == body["trailer"] == {"name": body["owner"]["name"]}


def test_a_nullable_object_with_bad_members_is_explained_by_those_members() -> None:
    listed = {"type": "array"}
    schema = CompiledSchema(
        {
            "type": "object",
            "properties": {
                "holder": {
                    "anyOf": [
                        {"type": "object", "properties": {"tags": listed, "labels": listed}},
                        {"type": "null"},
                    ]
                }
            },
        },
        RESPONSE,
    )
    assert sorted(schema.errors({"holder": {"tags": "x", "labels": "y"}})) == [
        ("holder.labels", '"y" is not of type "array"'),
        ("holder.tags", '"x" is not of type "array"'),
    ]


def test_a_time_is_generated_without_an_offset_and_read_with_or_without_one() -> None:
    schema = CompiledSchema({"type": "string", "format": "time"}, RESPONSE)
    value, valid = generate_valid(schema, random.Random(3))
    assert valid
    assert re.fullmatch(r"\d\d:\d\d:\d\d", value)
    assert re.fullmatch(r"\d\d:\d\d:\d\d", generate_valid(schema, random.Random(4), True)[0])
    for accepted in ("09:30:00", "09:30:00Z", "23:59:59.5+02:00"):
        assert schema.is_valid(accepted)
    for refused in ("9:30", "25:00:00", "09:30:00 UTC"):
        assert not schema.is_valid(refused)
    stamp = CompiledSchema({"type": "string", "format": "date-time"}, RESPONSE)
    assert generate_valid(stamp, random.Random(3))[0].endswith("Z")


def test_before_31_a_request_is_read_without_what_is_written_beside_a_ref(
    tmp_path: Path,
) -> None:
    amount = {
        "type": "object",
        "required": ["value"],
        "properties": {"currency": {"type": "string"}, "value": {"type": "number"}},
    }

    def compiled(version: str, direction: str) -> CompiledSchema:
        task = {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                # An Amount before 3.1 (siblings of a $ref are not part of the schema).
                "rate": {"$ref": "#/components/schemas/Amount", "type": "number"},
            },
        }
        root = write(
            tmp_path / version,
            "api.yaml",
            {
                "openapi": version,
                "info": {"title": "siblings", "version": "1"},
                "paths": {},
                "components": {"schemas": {"Amount": amount, "Task": task}},
            },
        )
        workspace = Workspace.load([root])
        located = workspace.resolve("#/components/schemas/Task", root)
        return SchemaCompiler(workspace).compile(located, direction)

    sent = {"name": "n", "rate": {"currency": "AUD", "value": 1.0}}
    request = compiled("3.0.3", REQUEST)
    assert request.is_valid(sent)
    assert not request.is_valid({"name": "n", "rate": 1.0})
    # Answers satisfy both readings (several validators apply the siblings): the member
    # that cannot is left out.
    response = compiled("3.0.3", RESPONSE)
    value, valid = generate_valid(response, random.Random(1))
    assert valid and "rate" not in value
    assert request.is_valid(value)
    assert not compiled("3.1.0", REQUEST).is_valid(sent)
