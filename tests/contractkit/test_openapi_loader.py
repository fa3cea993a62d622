"""Loading documents and discovering them in folders."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from contractkit.openapi import SpecError, discover, load_file

FIXTURES = Path(__file__).parent / "fixtures"
WriteSpec = Callable[[str, str], Path]

MODULE = """
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        200: {description: OK}
"""


def test_yaml_keeps_timestamps_as_strings_and_keys_as_text(write_spec: WriteSpec) -> None:
    path = write_spec(
        "doc.yaml",
        """
        openapi: 3.0.3
        example: 2024-01-31T10:00:00Z
        day: 2024-01-31
        responses:
          200: {description: OK}
          true: yes
        """,
    )
    document = load_file(path)
    assert document["example"] == "2024-01-31T10:00:00Z"
    assert document["day"] == "2024-01-31"
    assert list(document["responses"]) == ["200", "true"]


def test_json_is_read_by_suffix(write_spec: WriteSpec) -> None:
    path = write_spec("doc.json", '{"openapi": "3.0.3", "paths": {"/a": {}}}')
    assert load_file(path) == {"openapi": "3.0.3", "paths": {"/a": {}}}


def test_unchanged_files_come_from_the_cache_and_changes_are_seen(write_spec: WriteSpec) -> None:
    path = write_spec("doc.yaml", "a: 1\n")
    first = load_file(path)
    assert load_file(str(path)) is first
    path.write_text("a: 22\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_file(path) == {"a": 22}


def test_invalid_yaml_names_file_and_line(write_spec: WriteSpec) -> None:
    path = write_spec("bad.yaml", "openapi: 3.0.3\npaths:\n  /a: [unclosed\n")
    with pytest.raises(SpecError) as caught:
        load_file(path)
    assert caught.value.file == path
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{path}:4: invalid YAML")


def test_invalid_json_names_file_and_line(write_spec: WriteSpec) -> None:
    path = write_spec("bad.json", '{\n  "openapi": "3.0.3",\n  "paths": }\n')
    with pytest.raises(SpecError, match=r"bad\.json:3: invalid JSON"):
        load_file(path)


@pytest.mark.parametrize(("text", "kind"), [("", "empty"), ("- a\n- b\n", "a list")])
def test_a_document_must_be_a_mapping(write_spec: WriteSpec, text: str, kind: str) -> None:
    path = write_spec("odd.yaml", text)
    with pytest.raises(SpecError, match=f"the document is {kind}, not a mapping"):
        load_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        load_file(tmp_path / "nope.yaml")


def test_discover_takes_modules_of_a_folder_sorted_by_name(write_spec: WriteSpec) -> None:
    write_spec("api/zeta.yaml", MODULE)
    write_spec("api/alpha.json", '{"openapi": "3.0.3", "paths": {"/b": {}}}')
    write_spec("api/components.yaml", "openapi: 3.0.3\npaths: {}\ncomponents: {}\n")
    write_spec("api/notes.yml", "title: not an OpenAPI document\n")
    write_spec("api/readme.txt", "ignored")
    write_spec("api/nested/deeper.yaml", MODULE)
    folder = write_spec("api/zeta.yaml", MODULE).parent
    assert [path.name for path in discover([folder])] == ["alpha.json", "zeta.yaml"]


def test_discover_takes_files_as_they_are_and_once(write_spec: WriteSpec) -> None:
    components = write_spec("api/components.yaml", "openapi: 3.0.3\npaths: {}\n")
    module = write_spec("api/module.yaml", MODULE)
    found = discover([components, str(module), module.parent])
    assert found == [components, module]


def test_discover_fixture_skips_shared_components() -> None:
    names = [path.name for path in discover([FIXTURES / "petstore"])]
    assert names == ["owners.yaml", "pets.yaml"]


def test_discover_reports_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file or folder"):
        discover([tmp_path / "missing"])


def test_discover_reports_a_folder_without_documents(write_spec: WriteSpec) -> None:
    folder = write_spec("api/components.yaml", "openapi: 3.0.3\npaths: {}\n").parent
    with pytest.raises(SpecError, match="holds no OpenAPI document with operations"):
        discover([folder])


def test_discover_reports_broken_documents_in_a_folder(write_spec: WriteSpec) -> None:
    folder = write_spec("api/broken.yaml", "paths: [\n").parent
    with pytest.raises(SpecError, match=r"broken\.yaml:2: invalid YAML"):
        discover([folder])
