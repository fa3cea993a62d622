"""Credentials from options, environment and configuration files."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.contract.auth import headers_from_env, parse_header
from contractkit.contract.json_paths import extract
from contractkit.contract.settings import SettingsError, load_settings


def test_parse_header_splits_at_the_first_colon() -> None:
    assert parse_header("Authorization: Bearer a:b") == ("Authorization", "Bearer a:b")
    with pytest.raises(ValueError):
        parse_header("Authorization Bearer")


def test_headers_from_env_lines_json_and_single() -> None:
    assert headers_from_env({"CONTRACTKIT_HEADERS": "X-A: 1\nX-B: two"}) == {
        "X-A": "1",
        "X-B": "two",
    }
    assert headers_from_env({"CONTRACTKIT_HEADERS": '{"X-A": "1"}'}) == {"X-A": "1"}
    environ = {"CONTRACTKIT_HEADERS": "X-A: 1", "CONTRACTKIT_AUTH_HEADER": "X-A: 2"}
    assert headers_from_env(environ) == {"X-A": "2"}
    assert headers_from_env({}) == {}


def test_extract_by_pointer_or_dotted_path() -> None:
    answer = {"data": {"tokens": [{"value": "t"}]}, "a/b": 1}
    assert extract(answer, "/data/tokens/0/value") == "t"
    assert extract(answer, "data.tokens.0.value") == "t"
    assert extract(answer, "/a~1b") == 1
    with pytest.raises(KeyError):
        extract(answer, "data.missing")


def test_yaml_settings_with_environment_variables(tmp_path: Path) -> None:
    path = tmp_path / "contractkit-test.yaml"
    path.write_text(
        "base_url: ${BASE:-http://127.0.0.1:8000}\n"
        "headers: {X-Tenant: acme}\n"
        "login:\n"
        "  path: /oauth/google\n"
        "  json: {access_token: '${GOOGLE}'}\n"
        "  token: /token\n"
        "  ttl: 60\n"
        "  refresh_on: [401, 403]\n"
        "seed: 4\n"
        "phases: [crud]\n"
    )
    settings = load_settings(path, environ={"GOOGLE": "g-123"})

    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.headers == {"X-Tenant": "acme"}
    assert settings.login is not None
    assert settings.login.json_body == {"access_token": "g-123"}
    assert settings.login.template == "Bearer {token}"
    assert settings.login.ttl == 60.0
    assert settings.login.refresh_on == (401, 403)
    assert (settings.seed, settings.phases) == (4, ["crud"])


def test_toml_settings(tmp_path: Path) -> None:
    path = tmp_path / "contractkit-test.toml"
    path.write_text(
        'max_examples = 3\n[login]\npath = "/login"\ntoken = "token"\nheader = "X-Key"\n'
    )
    settings = load_settings(path, environ={})

    assert settings.max_examples == 3
    assert settings.login is not None and settings.login.header == "X-Key"


@pytest.mark.parametrize(
    "text",
    [
        "unknown_key: 1\n",
        "login: {path: /login}\n",
        "headers: {A: '${UNSET_VARIABLE}'}\n",
        "[1, 2]\n",
    ],
)
def test_invalid_settings(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(SettingsError):
        load_settings(path, environ={})
