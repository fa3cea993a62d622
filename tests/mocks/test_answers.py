"""Every answer valid: external example files, unusable examples skipped and listed, error
bodies without invented members, and answers chosen by the request (x-mock rules, names)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contractkit.lint import lint
from contractkit.mock.cli import report_example_defects
from contractkit.mock.engine import MockEngine
from contractkit.mock.generation.responder import WARNING_HEADER

MockClient = Callable[..., httpx.AsyncClient]

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def document(paths: dict[str, Any], **components: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "answers", "version": "1"},
        "paths": paths,
    }
    if components:
        spec["components"] = components
    return spec


def write(folder: Path, name: str, content: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        json.dumps(content) if name.endswith(".json") else yaml.safe_dump(content, sort_keys=False)
    )
    path.write_text(text)
    return path


def get_pet(content: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "/pets/{petId}": {
            "get": {
                "operationId": "getPet",
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "a pet", "content": content}},
                **extra,
            }
        }
    }


# -- external examples -------------------------------------------------------------------


async def test_example_refs_to_files_beside_the_document_are_served(
    tmp_path: Path, mock_client: MockClient
) -> None:
    write(tmp_path, "examples/json/Pet.json", {"id": 7, "name": "Rex"})
    write(tmp_path, "examples/json/Cat.json", {"id": 8, "name": "Tom"})
    write(tmp_path, "shared/more/owner.yaml", {"id": 9, "name": "Ann"})
    spec = document(
        get_pet(
            {
                "application/json": {
                    "schema": PET,
                    "examples": {
                        "rex": {"$ref": "#/components/examples/Rex"},
                        "tom": {"value": {"$ref": "examples/json/Cat.json"}},
                        "ann": {"externalValue": "shared/more/owner.yaml"},
                    },
                }
            }
        ),
        examples={"Rex": {"value": {"$ref": "examples/json/Pet.json"}}},
    )
    client = mock_client(write(tmp_path, "api.yaml", spec))
    first = await client.get("/pets/1")
    assert first.status_code == 200 and first.json() == {"id": 7, "name": "Rex"}
    tom = await client.get("/pets/1", headers={"prefer": "example=tom"})
    assert tom.json() == {"id": 8, "name": "Tom"}
    ann = await client.get("/pets/1", headers={"prefer": "example=ann"})
    assert ann.json() == {"id": 9, "name": "Ann"}


async def test_example_refs_resolve_relative_to_the_file_that_names_them(
    tmp_path: Path, mock_client: MockClient
) -> None:
    write(tmp_path, "parts/data/pet.json", {"id": 3, "name": "Kit"})
    write(
        tmp_path,
        "parts/responses.yaml",
        {
            "Pet": {
                "description": "a pet",
                "content": {
                    "application/json": {"schema": PET, "example": {"$ref": "data/pet.json"}}
                },
            }
        },
    )
    spec = document(
        {
            "/pets/{petId}": {
                "get": {
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": {"$ref": "parts/responses.yaml#/Pet"}},
                }
            }
        }
    )
    client = mock_client(write(tmp_path, "api.yaml", spec))
    assert (await client.get("/pets/3")).json() == {"id": 3, "name": "Kit"}


async def test_external_value_text_file_is_served_for_text_media(
    tmp_path: Path, mock_client: MockClient
) -> None:
    (tmp_path / "hello.txt").write_text("hello from a file")
    spec = document(
        {
            "/hello": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "text",
                            "content": {
                                "text/plain": {
                                    "schema": {"type": "string"},
                                    "examples": {"file": {"externalValue": "hello.txt"}},
                                }
                            },
                        }
                    }
                }
            }
        }
    )
    client = mock_client(write(tmp_path, "api.yaml", spec))
    answer = await client.get("/hello")
    assert answer.text == "hello from a file"


# -- unusable examples ---------------------------------------------------------------------


def flawed(tmp_path: Path) -> Path:
    spec = document(
        get_pet(
            {
                "application/json": {
                    "schema": PET,
                    "examples": {
                        "missing": {"value": {"$ref": "examples/nowhere.json"}},
                        "broken": {"value": {"id": None, "name": "Null"}},
                        "good": {"value": {"id": 2, "name": "Good"}},
                    },
                }
            }
        )
    )
    spec["paths"]["/owners"] = {
        "get": {
            "responses": {
                "200": {
                    "description": "owners",
                    "content": {"application/json": {"schema": PET, "example": {"id": "x"}}},
                }
            }
        }
    }
    return write(tmp_path, "api.yaml", spec)


async def test_unusable_examples_are_skipped_for_the_next_usable_one_or_generated_data(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(flawed(tmp_path))
    answer = await client.get("/pets/1")
    assert answer.json() == {"id": 2, "name": "Good"}
    asked = await client.get("/pets/1", headers={"prefer": "example=broken"})
    assert asked.status_code == 200
    assert isinstance(asked.json()["id"], int)
    assert "'broken' is not served" in asked.headers[WARNING_HEADER]
    owners = (await client.get("/owners")).json()
    assert isinstance(owners["id"], int) and isinstance(owners["name"], str)


def test_unusable_examples_are_listed_once_at_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = MockEngine.from_paths([flawed(tmp_path)])
    report_example_defects(engine)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("3 example(s) of the document are not served")
    assert lines[1].startswith("  GET /pets/{petId} 200 application/json example 'missing': ")
    assert "cannot be resolved" in lines[1] and "nowhere.json" in lines[1]
    assert lines[2].startswith("  GET /pets/{petId} 200 application/json example 'broken': ")
    assert "breaks its schema" in lines[2]
    assert lines[3].startswith("  GET /owners 200 application/json example 'example': ")
    assert len(lines) == 4


def test_lint_warns_about_the_examples_the_mock_skips(tmp_path: Path) -> None:
    found = [f for f in lint([flawed(tmp_path)]) if f.rule == "mock-examples"]
    assert [(f.severity, f.location) for f in found] == [
        ("warning", "GET /owners 200 application/json"),
        ("warning", "GET /pets/{petId} 200 application/json"),
        ("warning", "GET /pets/{petId} 200 application/json"),
    ]
    assert any("'missing'" in f.message for f in found)


# -- error answers -------------------------------------------------------------------------


async def test_a_401_body_carries_the_violation_and_no_invented_members(
    tmp_path: Path, mock_client: MockClient
) -> None:
    error = {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string"},
            "code": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            "details": {"type": "array", "items": {"type": "object"}},
        },
    }
    spec = document(
        {
            "/reports": {
                "get": {
                    "security": [{"jwt": []}],
                    "responses": {
                        "200": {"description": "ok"},
                        "401": {
                            "description": "no",
                            "content": {"application/json": {"schema": error}},
                        },
                    },
                }
            }
        },
        securitySchemes={"jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    )
    client = mock_client(write(tmp_path, "api.yaml", spec))
    refused = await client.get("/reports")
    assert refused.status_code == 401
    body = refused.json()
    assert set(body) <= {"message", "code"}, body
    assert "Authorization header is missing" in body["message"]
    assert (
        await client.get("/reports", headers={"authorization": "Bearer abc"})
    ).status_code == 200
    strict = mock_client(tmp_path / "api.yaml", strict_auth=True)
    assert (
        await strict.get("/reports", headers={"authorization": "Bearer abc"})
    ).status_code == 401


# -- answers chosen by the request -----------------------------------------------------------


def chosen(tmp_path: Path) -> Path:
    examples = {
        "pet1": {"value": {"id": 1, "name": "One"}},
        "pet2": {"value": {"id": 2, "name": "Two"}},
        "3": {"value": {"id": 3, "name": "Three"}},
        "cat": {"value": {"id": 4, "name": "Cat"}},
        "gold": {"value": {"id": 5, "name": "Gold"}},
    }
    content = {"application/json": {"schema": PET, "examples": examples}}
    missing = {
        "description": "gone",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"message": {"type": "string"}}}
            }
        },
    }
    spec = document(
        {
            "/pets/{petId}": {
                "get": {
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                            "examples": {"cat": {"value": 11}},
                        },
                        {"name": "status", "in": "query", "schema": {"type": "string"}},
                        {"name": "x-tier", "in": "header", "schema": {"type": "string"}},
                    ],
                    "x-mock": {
                        "rules": [
                            {"when": {"path.petId": 2}, "example": "pet2"},
                            {"when": {"query.status": ["sold", "gone"]}, "status": 404},
                            {"when": {"header.X-Tier": "gold", "path.petId": 5}, "example": "gold"},
                        ]
                    },
                    "responses": {
                        "200": {"description": "a pet", "content": content},
                        "404": missing,
                    },
                }
            },
            "/pets": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "kind": {"type": "string"},
                                    },
                                },
                                "examples": {
                                    "cat": {"value": {"name": "Tom", "kind": "cat"}},
                                    "dog": {"value": {"name": "Rex", "kind": "dog"}},
                                },
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "x-mock": {
                                "rules": [{"when": {"body.kind": "bird"}, "example": "gold"}]
                            },
                            "content": content,
                        }
                    },
                }
            },
        }
    )
    return write(tmp_path, "api.yaml", spec)


async def test_rules_pick_examples_and_statuses_by_path_query_and_header(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(chosen(tmp_path))
    assert (await client.get("/pets/2")).json()["name"] == "Two"
    assert (await client.get("/pets/9")).json()["name"] == "One"
    assert (await client.get("/pets/9?status=gone")).status_code == 404
    assert (await client.get("/pets/9?status=sold")).status_code == 404
    assert (await client.get("/pets/9?status=available")).status_code == 200
    gold = await client.get("/pets/5", headers={"x-tier": "gold"})
    assert gold.json()["name"] == "Gold"
    assert (await client.get("/pets/5")).json()["name"] == "One"
    preferred = await client.get("/pets/2", headers={"prefer": "example=cat"})
    assert preferred.json()["name"] == "Cat"


async def test_names_pair_request_values_with_response_examples(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(chosen(tmp_path))
    assert (await client.get("/pets/3")).json()["name"] == "Three"
    assert (await client.get("/pets/11")).json()["name"] == "Cat"
    cat = await client.post("/pets", json={"name": "Tom", "kind": "cat"})
    assert cat.status_code == 201 and cat.json()["name"] == "Cat"
    dog = await client.post("/pets", json={"name": "Rex", "kind": "dog"})
    assert dog.json()["name"] == "One"
    bird = await client.post("/pets", json={"name": "Tweety", "kind": "bird"})
    assert bird.json()["name"] == "Gold"


async def test_prism_query_preferences_steer_the_answer(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(chosen(tmp_path))
    assert (await client.get("/pets/9?__code=404")).status_code == 404
    assert (await client.get("/pets/9?__example=cat")).json()["name"] == "Cat"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"when": {"path.petId": 1}, "example": "nope"}], "names example 'nope'"),
        ([{"when": {"path.petId": 1}, "status": 418}], "does not document"),
        ([{"when": {"nowhere.x": 1}, "status": 200}], "must be path.NAME"),
        ([{"when": {"path.petId": 1}}], "neither status nor example"),
    ],
)
def test_malformed_rules_are_refused_at_start_up(
    tmp_path: Path, rules: list[Any], message: str
) -> None:
    path = chosen(tmp_path)
    spec = yaml.safe_load(path.read_text())
    spec["paths"]["/pets/{petId}"]["get"]["x-mock"] = {"rules": rules}
    with pytest.raises(ValueError, match=message):
        MockEngine.from_paths([write(tmp_path, "api.yaml", spec)])


# -- Prism's flags -------------------------------------------------------------------------


def test_prism_flags_are_parsed() -> None:
    import argparse

    from contractkit.mock.cli import configure_parser

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    args = parser.parse_args(
        [
            "api.yaml",
            "-p",
            "4011",
            "-d",
            "--errors",
            "--no-cors",
            "--seed",
            "abc",
            "-m",
            "--ignoreExamples",
            "-v",
            "silent",
            "--strict-auth",
        ]
    )
    assert (args.port, args.dynamic, args.errors, args.cors) == (4011, True, True, False)
    assert isinstance(args.seed, int) and args.multiprocess and args.ignore_examples
    assert args.log_level == "critical" and args.strict_auth
    defaults = parser.parse_args(["api.yaml"])
    assert (defaults.port, defaults.host, defaults.cors, defaults.dynamic) == (
        4010,
        "127.0.0.1",
        True,
        False,
    )
    assert not defaults.strict_auth and not defaults.errors
    assert parser.parse_args(["api.yaml", "--seed", "7"]).seed == 7


# -- refusals with documented statuses --------------------------------------------------------


def refusals(tmp_path: Path) -> Path:
    query = [{"name": "n", "in": "query", "schema": {"type": "integer"}}]
    spec = document(
        {
            "/only-404/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}, "404": {"description": "gone"}},
                }
            },
            "/nothing": {
                "get": {
                    "parameters": query,
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": PET}},
                        }
                    },
                }
            },
            "/secured": {
                "get": {
                    "security": [{"key": []}],
                    "parameters": query,
                    "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}},
                }
            },
        },
        securitySchemes={"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    )
    return write(tmp_path, "api.yaml", spec)


async def test_refusals_use_a_status_the_operation_documents(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(refusals(tmp_path))
    only_404 = await client.get("/only-404/abc")
    assert only_404.status_code == 404
    assert json.loads(only_404.headers["x-contractkit-violations"])[0]["name"] == "id"
    nothing = await client.get("/nothing?n=x")
    assert nothing.status_code == 200 and set(nothing.json()) >= {"id", "name"}
    assert "declares no client error" in nothing.headers[WARNING_HEADER]
    assert "query" in nothing.headers["x-contractkit-violations"]
    # No 401/403 documented: the missing key cannot be refused, the bad parameter still is.
    assert (await client.get("/secured?n=x")).status_code == 400
    unauthenticated = await client.get("/secured?n=1")
    assert unauthenticated.status_code == 200
    assert "security" in unauthenticated.headers["x-contractkit-violations"]


async def test_refuse_undocumented_answers_as_prism_does(
    tmp_path: Path, mock_client: MockClient
) -> None:
    client = mock_client(refusals(tmp_path), refuse_undocumented=True)
    refused = await client.get("/nothing?n=x")
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.get("/secured?n=1")).status_code == 401


# -- documents as they are written -------------------------------------------------------------


async def test_documents_as_written_in_the_field(tmp_path: Path, mock_client: MockClient) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "field", "version": "1"},
        "servers": [{"url": "https://api.example.com/v2"}],
        "paths": {
            "/things/{name}": {
                "get": {
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "guid",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "pattern": "^(?:{[0-9a-f]{4}}|[0-9a-f]{4})$",
                            },
                        },
                        {
                            "name": "size",
                            "in": "query",
                            "schema": {"type": "number", "maximum": 20, "exclusiveMaximum": True},
                        },
                    ],
                    "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}},
                }
            },
            "/things/{thingId}": {
                "post": {
                    "servers": [{"url": "https://upload.example.com/up"}],
                    "parameters": [
                        {
                            "name": "thingId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"201": {"description": "made"}},
                }
            },
        },
    }
    client = mock_client(write(tmp_path, "api.yaml", spec))
    assert (await client.get("/v2/things/a?guid={abcd}")).status_code == 200
    assert (await client.get("/v2/things/a?guid=abcd")).status_code == 200
    assert (await client.get("/v2/things/a?guid=xyz")).status_code == 400
    assert (await client.get("/v2/things/a?size=19")).status_code == 200
    assert (await client.get("/v2/things/a?size=20")).status_code == 400
    # Same-shaped templates that differ in parameter names are one path; an operation with
    # servers of its own is also served under the document's base path.
    assert (await client.post("/up/things/a")).status_code == 201
    assert (await client.post("/v2/things/a")).status_code == 201
    other = await client.delete("/v2/things/a")
    assert other.status_code == 405 and other.headers["allow"] == "GET, HEAD, POST"


async def test_ignore_examples_and_errors_flags(tmp_path: Path, mock_client: MockClient) -> None:
    path = chosen(tmp_path)
    generated = await mock_client(path, ignore_examples=True).get("/pets/9")
    assert generated.json()["name"] not in {"One", "Two", "Three", "Cat", "Gold"}
    impossible = document(
        {
            "/never": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "no value fits",
                            "content": {
                                "application/json": {
                                    "schema": {"allOf": [{"type": "string"}, {"type": "integer"}]}
                                }
                            },
                        }
                    }
                }
            }
        }
    )
    impossible_path = write(tmp_path, "never.yaml", impossible)
    lenient = await mock_client(impossible_path).get("/never")
    assert lenient.status_code == 200 and WARNING_HEADER in lenient.headers
    strict = await mock_client(impossible_path, errors=True).get("/never")
    assert strict.status_code == 500


async def test_a_nested_error_message_carries_the_violation(
    tmp_path: Path, mock_client: MockClient
) -> None:
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["error_msg"],
                "properties": {
                    "error_msg": {"type": "string"},
                    "error_name": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    }
    spec = document(
        {
            "/fax_line": {
                "get": {
                    "security": [{"jwt": []}],
                    "responses": {
                        "200": {"description": "ok"},
                        "401": {
                            "description": "no",
                            "content": {"application/json": {"schema": error}},
                        },
                    },
                }
            }
        },
        securitySchemes={"jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    )
    refused = await mock_client(write(tmp_path, "api.yaml", spec)).get("/fax_line")
    assert refused.status_code == 401
    assert refused.json() == {
        "error": {"error_msg": "Invalid request - security jwt: Authorization header is missing"}
    }
