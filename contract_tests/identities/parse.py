"""Identities from the command line (`--identity NAME='Header: value'`) and the config file."""

from __future__ import annotations

import re
from typing import Any

from contractkit.contract.auth import login_from_mapping, parse_header
from contractkit.contract.identities.model import Identity, IdentityError, IdentitySet

_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_IDENTITY_KEYS = {"headers", "login", "sees_all"}


def parse_identity_option(text: str) -> Identity:
    """`alice='Authorization: Bearer A'` as the `--identity` option takes it."""
    name, separator, header = text.partition("=")
    name = name.strip()
    if not separator or not _NAME.fullmatch(name):
        raise IdentityError(f"expected NAME='Header: value', got {text!r}")
    try:
        header_name, value = parse_header(header)
    except ValueError as exc:
        raise IdentityError(f"--identity {name}: {exc}") from None
    return Identity(name, {header_name: value})


def identities_from_options(options: list[str]) -> IdentitySet:
    """Repeated `--identity` options; several for one name add up to its headers."""
    by_name: dict[str, dict[str, str]] = {}
    for option in options:
        identity = parse_identity_option(option)
        by_name.setdefault(identity.name, {}).update(identity.headers)
    return IdentitySet(tuple(Identity(name, headers) for name, headers in by_name.items()))


def identities_from_config(identities: Any, shared: Any = None) -> IdentitySet:
    """The `identities:` mapping (name -> headers, login, sees_all) and the `shared:` groups."""
    if not isinstance(identities, dict):
        raise IdentityError("`identities` must map each name to its `headers` and/or `login`")
    found = []
    for name, entry in identities.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise IdentityError(f"identity {name!r}: expected a mapping")
        unknown = sorted(set(entry) - _IDENTITY_KEYS)
        if unknown:
            raise IdentityError(f"identity {name!r}: unknown keys {', '.join(unknown)}")
        headers = entry.get("headers") or {}
        if not isinstance(headers, dict):
            raise IdentityError(f"identity {name!r}: `headers` must be a mapping")
        try:
            login = login_from_mapping(entry["login"]) if entry.get("login") else None
        except ValueError as exc:
            raise IdentityError(f"identity {name!r}: {exc}") from None
        if not headers and login is None:
            raise IdentityError(f"identity {name!r} needs `headers` or a `login` flow")
        found.append(
            Identity(
                str(name),
                {str(key): str(value) for key, value in headers.items()},
                login,
                bool(entry.get("sees_all", False)),
            )
        )
    return IdentitySet(tuple(found), _groups(shared))


def _groups(shared: Any) -> tuple[frozenset[str], ...]:
    if shared is None:
        return ()
    if not isinstance(shared, list) or not all(isinstance(group, list) for group in shared):
        raise IdentityError("`shared` must be a list of lists of identity names")
    return tuple(frozenset(str(name) for name in group) for group in shared)
