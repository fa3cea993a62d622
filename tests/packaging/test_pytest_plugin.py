"""The pytest plugin the wheel registers breaks no project, and its fixtures work without plugins.

A throwaway project with a ``mocks`` package of its own runs its tests with the installed
venv's pytest, which has contractkit's plugin and no async plugin.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.packaging.installation import Installation

pytestmark = pytest.mark.slow

PROJECT = {
    "pyproject.toml": """\
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        filterwarnings = ["error"]
    """,
    "greeting.yaml": """\
        openapi: 3.1.0
        info: {title: Greeting, version: "1.0"}
        paths:
          /greeting:
            get:
              responses:
                "200":
                  description: A greeting
                  content:
                    application/json:
                      schema: {type: object, properties: {text: {type: string}}}
                      example: {text: hello from the mock}
    """,
    "mocks/__init__.py": '"""The project\'s own test doubles."""\n',
    "mocks/greetings.py": 'GREETING = "hello from the project\'s own mocks"\n',
    "tests/test_plain.py": """\
        import sys
        from pathlib import Path

        import mocks
        from mocks.greetings import GREETING


        def test_the_projects_own_mocks_package_is_imported():
            assert GREETING == "hello from the project's own mocks"
            assert Path(mocks.__file__).parent == Path(__file__).parents[1] / "mocks"


        def test_the_plugin_is_loaded_but_not_the_mock():
            assert "contractkit.pytest_plugin" in sys.modules
            assert "contractkit.mock" not in sys.modules
    """,
    "tests/test_with_the_mock.py": """\
        import asyncio
        from pathlib import Path

        import httpx

        SPEC = Path(__file__).parents[1] / "greeting.yaml"


        def test_mock_server_answers_over_http(mock_server):
            base_url = mock_server(SPEC)
            answer = httpx.get(f"{base_url}/greeting", timeout=30)
            assert answer.json() == {"text": "hello from the mock"}


        def test_mock_client_from_a_plain_test(mock_client):
            async def fetch():
                return await mock_client(SPEC).get("/greeting")

            answer = asyncio.run(fetch())
            assert answer.status_code == 200
            assert answer.json() == {"text": "hello from the mock"}
    """,
}


@pytest.fixture
def project(empty_dir: Path) -> Path:
    for name, text in PROJECT.items():
        path = empty_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return empty_dir


def _pytest(installation: Installation, project: Path, *args: str) -> str:
    result = installation.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", *args, cwd=project
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def test_the_venv_has_pytest_but_no_async_plugin(installation: Installation, project: Path) -> None:
    found = "import importlib.util; print(importlib.util.find_spec({!r}) is not None)"
    assert installation.python_says(found.format("pytest"), project) == "True"
    assert installation.python_says(found.format("pytest_asyncio"), project) == "False"


def test_a_project_using_no_fixture_never_imports_the_mock(
    installation: Installation, project: Path
) -> None:
    output = _pytest(installation, project, "tests/test_plain.py")
    assert re.search(r"^2 passed in ", output, re.MULTILINE), output


def test_a_project_with_its_own_mocks_package_uses_every_fixture(
    installation: Installation, project: Path
) -> None:
    output = _pytest(installation, project)
    assert re.search(r"^4 passed in ", output, re.MULTILINE), output
