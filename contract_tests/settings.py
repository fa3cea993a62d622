"""The `contractkit test` configuration file (YAML or TOML).

Example (`contractkit-test.yaml`)::

    base_url: http://127.0.0.1:8000
    headers:
      X-Tenant: acme
    login:
      path: /oauth/google            # relative to the API root, or an absolute URL
      method: POST
      json: {access_token: "${GOOGLE_TEST_TOKEN}"}
      token: /token                  # JSON pointer or dotted path into the answer
      header: Authorization
      template: "Bearer {token}"
      expires_in: /expires_in        # optional: seconds, read from the answer
      ttl: 3000                      # optional: seconds, when the answer does not say
      refresh_on: [401]
    seed: 1
    max_examples: 50
    workers: 2
    phases: [examples, coverage, fuzzing, stateful, crud]
    baseline: contract-baseline.yaml
    strict: true                     # warnings (e.g. a CRUD phase that sent nothing) fail
    identities:                      # the first is the default identity
      alice: {headers: {Authorization: "Bearer ${ALICE_TOKEN}"}}
      bob:
        login: {path: /login, json: {user: bob, password: "${BOB_PASSWORD}"}, token: /token}
      carol: {headers: {Authorization: "Bearer ${CAROL_TOKEN}"}}
      admin: {headers: {Authorization: "Bearer ${ADMIN_TOKEN}"}, sees_all: true}
    shared: [[alice, carol]]         # identities that see each other's data

`${NAME}` and `${NAME:-default}` in any string are replaced by environment variables, so secrets
stay out of the file. Command-line options win over the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contractkit.contract.auth import LoginFlow, login_from_mapping
from contractkit.contract.identities import IdentityError, IdentitySet, identities_from_config

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_KNOWN_KEYS = {
    "base_url",
    "headers",
    "login",
    "seed",
    "max_examples",
    "workers",
    "phases",
    "baseline",
    "identities",
    "shared",
    "strict",
}


class SettingsError(Exception):
    """The configuration file is unreadable or says something invalid."""


@dataclass
class Settings:
    """What a configuration file declares; every field is optional."""

    base_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    login: LoginFlow | None = None
    seed: int | None = None
    max_examples: int | None = None
    workers: int | None = None
    phases: list[str] | None = None
    baseline: str | None = None
    identities: IdentitySet = field(default_factory=IdentitySet)
    strict: bool = False


def load_settings(path: str | Path, environ: dict[str, str] | None = None) -> Settings:
    """Read a YAML (`.yaml`, `.yml`, `.json`) or TOML (`.toml`) configuration file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping at the top level")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise SettingsError(f"{path}: unknown keys {', '.join(unknown)}")
    data = _interpolate(data, os.environ if environ is None else environ)
    return Settings(
        base_url=data.get("base_url"),
        headers={str(key): str(value) for key, value in (data.get("headers") or {}).items()},
        login=_login(data["login"], path) if data.get("login") else None,
        seed=data.get("seed"),
        max_examples=data.get("max_examples"),
        workers=data.get("workers"),
        phases=data.get("phases"),
        baseline=data.get("baseline"),
        identities=_identities(data, path),
        strict=bool(data.get("strict", False)),
    )


def _login(data: Any, path: Path) -> LoginFlow:
    try:
        return login_from_mapping(data)
    except ValueError as exc:
        raise SettingsError(f"{path}: {exc}") from None


def _identities(data: dict[str, Any], path: Path) -> IdentitySet:
    if data.get("shared") is not None and not data.get("identities"):
        raise SettingsError(f"{path}: `shared` needs `identities`")
    if not data.get("identities"):
        return IdentitySet()
    try:
        return identities_from_config(data["identities"], data.get("shared"))
    except IdentityError as exc:
        raise SettingsError(f"{path}: {exc}") from None


def _interpolate(value: Any, environ: Any) -> Any:
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: _variable(match, environ), value)
    if isinstance(value, dict):
        return {key: _interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, environ) for item in value]
    return value


def _variable(match: re.Match[str], environ: Any) -> str:
    name, default = match.group(1), match.group(2)
    if name in environ:
        return str(environ[name])
    if default is not None:
        return default
    raise SettingsError(f"environment variable {name} is not set")
