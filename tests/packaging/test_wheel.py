"""The wheel is the product: built from this checkout, installed in a fresh venv, every verb works.

Everything runs in an empty folder outside the checkout with the venv's own programs, so a
module, document or migration missing from the wheel fails here.
"""

from __future__ import annotations

import base64
import json
import re
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.impl.peerly.idp import FakeIdentityProvider
from tests.packaging.installation import BuiltWheel, Installation, serving
from tests.packaging.layout import REPO, api_names, is_package_data, package_dir

pytestmark = pytest.mark.slow

VERBS = ("serve", "mock", "proxy", "test", "report", "lint", "token")
GREETING_SPEC = """\
    openapi: 3.1.0
    info: {title: Greeting, version: "1.0"}
    paths:
      /greeting:
        get:
          operationId: getGreeting
          summary: A greeting
          responses:
            "200":
              description: A greeting
              content:
                application/json:
                  schema:
                    type: object
                    required: [text]
                    properties: {text: {type: string}}
                  example: {text: hello from the example}
"""
JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def _wheel_files(wheel: BuiltWheel) -> set[str]:
    with zipfile.ZipFile(wheel.path) as archive:
        return {name for name in archive.namelist() if not name.endswith("/")}


def _expected_files(wheel: BuiltWheel) -> set[str]:
    """Every module and data file of the mapped folders, at its place inside ``contractkit``."""
    expected = set()
    for name, folder in package_dir().items():
        root = wheel.source / folder
        for file in root.rglob("*"):
            if file.is_file() and (file.suffix == ".py" or is_package_data(file)):
                expected.add("/".join([*name.split("."), *file.relative_to(root).parts]))
    return expected


def _decoded(segment: str) -> dict[str, object]:
    return dict(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))


def _token(installation: Installation, cwd: Path, email: str = "a@example.com") -> str:
    result = installation.run(
        "contractkit", "token", "peerly", "--email", email, "--role", "admin", cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_wheel_holds_the_contractkit_package_and_nothing_beside_it(wheel: BuiltWheel) -> None:
    top_level = {name.split("/")[0] for name in _wheel_files(wheel)}
    (metadata,) = top_level - {"contractkit"}
    assert top_level == {"contractkit", metadata}
    assert metadata.startswith("contractkit_openapi-") and metadata.endswith(".dist-info")


def test_the_wheel_holds_every_module_and_data_file_at_its_mapped_place(wheel: BuiltWheel) -> None:
    shipped = {name for name in _wheel_files(wheel) if name.startswith("contractkit/")}
    expected = _expected_files(wheel)
    assert sorted(expected - shipped) == [], "missing from the wheel"
    assert sorted(shipped - expected) == [], "in the wheel but not in the checkout"


def test_the_wheel_holds_the_documents_and_the_migrations(wheel: BuiltWheel) -> None:
    files = _wheel_files(wheel)
    for api in api_names():
        documents = [
            name for name in files if re.fullmatch(rf"contractkit/specs/{api}/\w+\.yaml", name)
        ]
        assert documents, f"no documents of {api} in the wheel"
    environments = [name for name in files if name.endswith("/env.py")]
    migrations = [
        env
        for env in environments
        if f"{env[: -len('env.py')]}script.py.mako" in files
        and any(name.startswith(f"{env[: -len('env.py')]}versions/") for name in files)
    ]
    assert len(migrations) == 1, environments


def test_the_installed_package_is_imported_from_the_venv(
    installation: Installation, empty_dir: Path
) -> None:
    code = """if True:
        import importlib.util, json, sys
        import contractkit
        print(json.dumps({
            "file": contractkit.__file__,
            "path": sys.path,
            "found": [n for n in ("impl", "mocks", "contract_tests", "specs")
                      if importlib.util.find_spec(n) is not None],
        }))
    """
    seen = json.loads(installation.python_says(textwrap.dedent(code), empty_dir))
    assert installation.root in Path(seen["file"]).parents
    assert [entry for entry in seen["path"] if str(REPO) in entry] == []
    assert seen["found"] == []


def test_every_verb_explains_itself(installation: Installation, empty_dir: Path) -> None:
    overview = installation.run("contractkit", "--help", cwd=empty_dir)
    assert overview.returncode == 0, overview.stderr
    for verb in VERBS:
        assert verb in overview.stdout
        result = installation.run("contractkit", verb, "--help", cwd=empty_dir)
        assert result.returncode == 0, result.stderr
        assert f"usage: contractkit {verb}" in result.stdout


def test_token_prints_a_jwt(installation: Installation, empty_dir: Path) -> None:
    token = _token(installation, empty_dir)
    assert JWT.match(token), token
    header, claims, _ = token.split(".")
    assert _decoded(header)["alg"] == "HS256"
    assert "sub" in _decoded(claims)


def test_serve_all_answers_for_every_api_and_stops_cleanly(
    installation: Installation, empty_dir: Path
) -> None:
    def command(port: int) -> list[str]:
        return ["contractkit", "serve", "all", "--port", str(port), "--log-level", "warning"]

    with serving(installation, command, empty_dir) as server:
        ui = dict(re.findall(r"^(\w+): (http://\S+)/ui$", server.output(), re.MULTILINE))
        assert sorted(ui) == api_names(), server.output()
        for api, base in ui.items():
            page = httpx.get(f"{base}/ui/", timeout=30, follow_redirects=True)
            assert page.status_code == 200 and "swagger" in page.text.lower(), api
            document = httpx.get(f"{base}/openapi.json", timeout=30)
            assert document.status_code == 200 and "openapi" in document.json(), api
        me = httpx.get(
            f"{ui['peerly']}/users/me",
            headers={"Authorization": f"Bearer {_token(installation, empty_dir)}"},
            timeout=30,
        )
        assert me.status_code == 200, me.text
        assert me.json()["data"]["email"] == "a@example.com"
        assert server.stop() == 0, server.output()
    assert (empty_dir / "var").is_dir(), "data goes under ./var by default"


def test_mock_answers_from_the_example_of_a_document(
    installation: Installation, empty_dir: Path
) -> None:
    (empty_dir / "greeting.yaml").write_text(textwrap.dedent(GREETING_SPEC), encoding="utf-8")

    def command(port: int) -> list[str]:
        return ["contractkit", "mock", "greeting.yaml", "--port", str(port)]

    with serving(installation, command, empty_dir) as server:
        answer = httpx.get(f"{server.base_url}/greeting", timeout=30)
        assert answer.status_code == 200
        assert answer.json() == {"text": "hello from the example"}
        assert server.stop() == 0, server.output()


@pytest.fixture
def identity_provider() -> Iterator[FakeIdentityProvider]:
    """Google's token-info endpoint as seen from a machine online: it rejects unknown tokens."""
    provider = FakeIdentityProvider().start()
    try:
        yield provider
    finally:
        provider.stop()


def test_contract_test_of_peerly_in_process_passes(
    installation: Installation, empty_dir: Path, identity_provider: FakeIdentityProvider
) -> None:
    token = _token(installation, empty_dir)
    env = installation.env(PEERLY_GOOGLE_TOKENINFO_URL=identity_provider.url)
    result = installation.run(
        *("contractkit", "test", "--app", "peerly", "--phases", "examples"),
        *("--max-examples", "2", "--seed", "1", "-q", "-H", f"Authorization: Bearer {token}"),
        cwd=empty_dir,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED: 0 failures" in result.stdout, result.stdout
    answered = re.findall(r"seen: ([\d, ]+)", result.stdout)
    assert any(re.search(r"\b2\d\d\b", statuses) for statuses in answered), result.stdout


def test_lint_passes_the_shipped_documents_and_fails_a_broken_one(
    installation: Installation, empty_dir: Path
) -> None:
    code = "from contractkit.paths import api_specs_dir; print(api_specs_dir('peerly'))"
    shipped = Path(installation.python_says(code, empty_dir))
    assert installation.root in shipped.parents
    clean = installation.run("contractkit", "lint", shipped, cwd=empty_dir)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (empty_dir / "broken.yaml").write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
    broken = installation.run("contractkit", "lint", "broken.yaml", cwd=empty_dir)
    assert broken.returncode != 0
    assert "broken.yaml" in broken.stdout and '"info" is a required property' in broken.stdout
