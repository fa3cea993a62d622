"""Every module document of every API loads standalone in openapi-core and Schemathesis."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from openapi_core import OpenAPI

from contractkit.openapi import discover, load_file

SPECS = Path(__file__).resolve().parents[2] / "specs"
API_FOLDERS = sorted(path for path in SPECS.iterdir() if path.is_dir() and any(path.glob("*.yaml")))
MODULES = discover(API_FOLDERS)


def _operation_count(document: dict) -> int:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sum(1 for item in document["paths"].values() for key in item if key in methods)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_loads_in_openapi_core(path: Path) -> None:
    """openapi-core builds the spec and resolves every response schema through its refs."""
    spec = OpenAPI.from_file_path(str(path))
    document = load_file(path)
    resolved = 0
    for url, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = spec.spec / "paths" / url / method / "responses"
            for code in operation["responses"]:
                content = responses / code / "content"
                if not content.exists():
                    continue
                for media_type in sorted(content.keys()):
                    schema = (content / media_type / "schema").read_value()
                    assert isinstance(schema, dict), (url, method, code, media_type)
                    resolved += 1
    assert resolved > 0


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_loads_in_schemathesis(path: Path) -> None:
    schema = schemathesis.openapi.from_path(path)
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert len(labels) == _operation_count(load_file(path))
