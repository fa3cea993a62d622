"""Share of probed GETs the mock answers with a body valid against the document.

For every GET operation of every document of the field corpus, one request is built from the
document alone (path and required parameters from their examples, else from values generated
for their schemas; a credential for every security scheme the operation requires) and sent to
the mock in-process. The answer counts as valid when its status is documented (exactly, by
``NXX`` or ``default``) and its body conforms to the documented schema of its media type, as
checked by an independent validator (openapi-schema-validator, not the mock's own). Schemas
in files beside the document are read there. An answer whose schema that validator cannot
read (``type: 'null'`` in a 3.0 document, ``items`` given as a list) is listed as not checked
and left out of the share.

    .venv/bin/python bench/mock/validity.py [--corpus DIR] [--show-failures] [DOC ...]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from contractkit.mock.document.model import Operation
from contractkit.mock.engine import MockEngine
from contractkit.mock.generation.generator import generate_valid
from contractkit.mock.types import MockRequest
from contractkit.openapi.pointers import format_pointer

CORPUS = Path("/work/shared/field-corpus")
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _parameter_value(parameter: Any, rng: random.Random) -> Any:
    node = parameter.spec.node
    if "example" in node:
        return node["example"]
    for entry in (node.get("examples") or {}).values():
        if isinstance(entry, dict) and "value" in entry:
            return entry["value"]
    if parameter.schema is None:
        return "x"
    value, _ = generate_valid(parameter.schema, rng)
    return value


def _credentials(
    operation: Operation, headers: dict[str, str], query: list[tuple[str, str]]
) -> None:
    for alternative in operation.security[:1]:
        for located in alternative.values():
            scheme = located.node if located is not None else None
            if not isinstance(scheme, dict):
                continue
            kind = scheme.get("type")
            if kind == "apiKey":
                name, where = str(scheme.get("name", "")), scheme.get("in")
                if where == "header":
                    headers[name.lower()] = "probe-key"
                elif where == "query":
                    query.append((name, "probe-key"))
                elif where == "cookie":
                    headers["cookie"] = f"{name}=probe-key"
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                headers["authorization"] = "Basic " + base64.b64encode(b"probe:probe").decode()
            elif kind in ("http", "oauth2", "openIdConnect"):
                headers["authorization"] = "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcm9iZSJ9.c2ln"


def probe(operation: Operation, rng: random.Random) -> MockRequest:
    """A request for ``operation`` built from the document alone."""
    path = (operation.base_paths[0] if operation.base_paths else "") + operation.template
    headers: dict[str, str] = {"accept": "application/json, */*;q=0.5"}
    query: list[tuple[str, str]] = []
    for parameter in operation.parameters:
        if parameter.location != "path" and not parameter.required:
            continue
        value = _text(_parameter_value(parameter, rng))
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", quote(value, safe=""))
        elif parameter.location == "query":
            query.append((parameter.name, value))
        elif parameter.location == "header":
            headers[parameter.name.lower()] = value
        elif parameter.location == "cookie":
            headers["cookie"] = f"{parameter.name}={value}"
    _credentials(operation, headers, query)
    return MockRequest("GET", path, urlencode(query), headers)


class Unverifiable(Exception):
    """The independent validator cannot check the body (a schema it cannot read, such as
    ``type: 'null'`` in an OpenAPI 3.0 document)."""


class Checker:
    """Validates bodies against a document's schemas with openapi-schema-validator."""

    def __init__(self, engine: MockEngine, file: Path) -> None:
        self.workspace = engine.workspace
        self.document = engine.workspace.document(file)
        version = engine.workspace.version(file)
        if version == "2.0":
            # Converted documents keep Swagger 2.0's refs (#/definitions/...): alias them.
            components = self.document.get("components") or {}
            self.document = {
                **self.document,
                "definitions": components.get("schemas") or {},
                "responses": components.get("responses") or {},
                "parameters": components.get("parameters") or {},
            }
        self.validator_class: Any = OAS31Validator if version == "3.1" else OAS30Validator
        self.specification = DRAFT202012 if version == "3.1" else DRAFT4
        resource = self.specification.create_resource(self.document)
        # Schemas may live in files beside the document (refs relative to the file that
        # holds them): each file is a resource of its own, read when first referenced.
        self.registry: Registry[Any] = Registry(retrieve=self._retrieve).with_resource(
            file.resolve().as_uri(), resource
        )

    def _retrieve(self, uri: str) -> Resource[Any]:
        path = Path(unquote(urlsplit(uri).path))
        return self.specification.create_resource(self.workspace.document(path))

    def problem(
        self, operation: Operation, status: int, headers: dict[str, str], body: bytes
    ) -> str | None:
        """Why the answer is not valid against the document, or ``None``."""
        responses = operation.responses
        text = str(status)
        response = responses.get(text) or responses.get(f"{text[0]}XX") or responses.get("default")
        if response is None:
            return f"status {status} is not documented"
        if not response.content:
            return None if not body else "a body where none is documented"
        wire = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        media = response.content.get(wire) or next(
            (m for name, m in response.content.items() if "*" in name or name.startswith(wire)),
            None,
        )
        if media is None:
            return f"content type {wire!r} is not documented"
        schema = media.spec.schema
        if schema is None or "json" not in wire:
            return None
        try:
            value = json.loads(body)
        except ValueError:
            return "the body is not JSON"
        uri = schema.file.resolve().as_uri()
        reference = {"$ref": f"{uri}#{quote(format_pointer(schema.pointer), safe='/~')}"}
        validator = self.validator_class(
            reference, registry=self.registry, format_checker=oas30_format_checker
        )
        try:
            errors = sorted(validator.iter_errors(value), key=lambda e: len(e.path))
        except Exception as error:  # a schema the independent validator cannot read
            raise Unverifiable(f"{type(error).__name__}: {str(error)[:120]}") from error
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path)
            return f"{errors[0].message[-200:]} (at /{where})"
        return None


def measure(document: Path, show: bool) -> tuple[int, int]:
    engine = MockEngine.from_paths([document])
    checker = Checker(engine, engine.workspace.roots[0])
    probed = valid = 0
    for operation in engine.operations:
        if operation.method != "get":
            continue
        rng = random.Random(f"{document.name}:{operation.label}")
        try:
            answer = engine.handle(probe(operation, rng))
        except Exception as error:  # served as a 500 by the HTTP server
            probed += 1
            if show:
                print(f"    {operation.label} -> raised {type(error).__name__}: {error}"[:300])
            continue
        try:
            problem = checker.problem(operation, answer.status, answer.headers, answer.body)
        except Unverifiable as reason:
            # Neither valid nor invalid: left out of the share, and always listed.
            print(f"    {operation.label} -> {answer.status}: not checked ({reason})")
            continue
        probed += 1
        if problem is None:
            valid += 1
        elif show:
            print(f"    {operation.label} -> {answer.status}: {problem}")
    return probed, valid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("documents", nargs="*")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args(argv)
    documents = [Path(d) for d in args.documents] or sorted(
        p for p in args.corpus.iterdir() if p.suffix in DOCUMENT_SUFFIXES
    )
    total_probed = total_valid = 0
    print(f"{'document':42} {'GETs':>5} {'valid':>6} {'share':>7}")
    for document in documents:
        probed, valid = measure(document, args.show_failures)
        total_probed += probed
        total_valid += valid
        share = f"{100 * valid / probed:6.1f}%" if probed else "     -"
        print(f"{document.name:42} {probed:5} {valid:6} {share}")
    share = 100 * total_valid / total_probed if total_probed else 0.0
    print(f"\n{total_valid}/{total_probed} probed GETs answered validly: {share:.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
