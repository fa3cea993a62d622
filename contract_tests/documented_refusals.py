"""Findings a server cannot avoid without breaking the document, kept out of the verdict.

Three cases, each said in the run's notes:

- ``negative_data_rejection`` on an operation that documents no client error for invalid data
  (no 4xx other than 401/403, no ``4XX`` or ``default`` response), and ``missing_required_header``
  expecting 401, or ``negative_data_rejection`` of a request without its credential header, where
  no 401 is documented: refusing would need a status the document does not
  declare (``status_code_conformance``), so answering what the document declares is accepted;
- ``status_code_conformance`` on an operation that documents no response at all;
- ``ignored_auth`` against a server that says it does not check credential values: a contractkit
  mock without declared credentials (``GET /__mock/settings`` answers ``"authenticates":
  false``) accepts any well-formed credential, as Prism does, by design.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from contractkit.contract.model import Finding
from contractkit.contract.target import Target
from contractkit.openapi import Document

NEGATIVE = "negative_data_rejection"
IGNORED_AUTH = "ignored_auth"
SETTINGS_PATH = "/__mock/settings"


MISSING_HEADER = "missing_required_header"
STATUS_CONFORMANCE = "status_code_conformance"
_CREDENTIAL_STATUSES = ("401", "403")


def documents_client_error(responses: object) -> bool:
    """Whether a ``responses`` object declares a refusal of invalid data: a 4xx other than
    401/403, ``4XX`` or ``default``."""
    if not isinstance(responses, dict):
        return False
    return any(
        (str(key).startswith("4") and str(key) not in _CREDENTIAL_STATUSES) or str(key) == "default"
        for key in responses
    )


def documents_401(responses: object) -> bool:
    """Whether a ``responses`` object declares 401 (or ``4XX`` / ``default``)."""
    return isinstance(responses, dict) and any(k in responses for k in ("401", "4XX", "default"))


def mock_settings(target: Target) -> dict[str, object] | None:
    """A contractkit mock's settings, or ``None`` when the target is not one."""
    parts = urlsplit(target.base_url)
    url = f"{parts.scheme}://{parts.netloc}{SETTINGS_PATH}"
    try:
        session = target.session()
        answer = session.get(url, timeout=5)
    except (requests.RequestException, OSError):
        return None
    if answer.status_code != 200:
        return None
    try:
        settings = answer.json()
    except ValueError:
        return None
    if isinstance(settings, dict) and settings.get("server") == "contractkit mock":
        return settings
    return None


def stateless_mock(target: Target) -> str | None:
    """Why CRUD cannot be checked on ``target``: it is a contractkit mock that keeps no state
    (its answers are the document's examples, so nothing created can be read back); else
    ``None``."""
    settings = mock_settings(target)
    if settings is None or settings.get("stateful") is not False:
        return None
    return (
        f"the server is a contractkit mock that keeps no state ({SETTINGS_PATH}: stateful "
        "false); start it with --stateful to check CRUD"
    )


def _credential_headers(security: list[dict[str, Any]]) -> set[str]:
    """Lower-case names of the headers that carry an operation's credentials."""
    names: set[str] = set()
    for alternative in security:
        for located in alternative.values():
            scheme = getattr(located, "node", None)
            if not isinstance(scheme, dict):
                continue
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                names.add(str(scheme.get("name", "")).lower())
            elif scheme.get("type") in ("http", "oauth2", "openIdConnect"):
                names.add("authorization")
    return names


def _missing_credential(message: str, headers: set[str] | None) -> bool:
    """Whether a negative case's only change is a missing credential header (as the fuzzing
    and the coverage phases each say it)."""
    lowered = message.lower()
    return bool(headers) and any(
        f"missing `{name}` at header" in lowered
        or f"parameter `{name}` in header - violates `required`" in lowered
        for name in headers or ()
    )


def review(
    document: Document, target: Target, findings: list[Finding]
) -> tuple[list[Finding], list[str]]:
    """(findings kept, notes saying which were set aside and why)."""
    quiet = {
        operation.label
        for operation in document.operations
        if not documents_client_error(operation.node.get("responses"))
    }
    silent = {
        operation.label for operation in document.operations if not operation.node.get("responses")
    }
    no_401 = {
        operation.label
        for operation in document.operations
        if not documents_401(operation.node.get("responses"))
    }
    credential_headers = {
        operation.label: _credential_headers(operation.security)
        for operation in document.operations
    }
    unchecked: set[str] = set()
    if any(finding.check == IGNORED_AUTH for finding in findings):
        settings = mock_settings(target)
        if settings is not None and settings.get("authenticates") is False:
            checked = settings.get("authenticatingSchemes")
            checked_names = set(checked) if isinstance(checked, list) else set()
            unchecked = {
                operation.label
                for operation in document.operations
                if not any(name in checked_names for alt in operation.security for name in alt)
            }
    kept: list[Finding] = []
    negative: set[str] = set()
    auth: set[str] = set()
    undocumented: set[str] = set()
    for finding in findings:
        if finding.check == STATUS_CONFORMANCE and finding.operation in silent:
            undocumented.add(finding.operation)
        elif (
            (
                finding.check == NEGATIVE
                and finding.operation in no_401
                and _missing_credential(finding.message, credential_headers.get(finding.operation))
            )
            or (finding.check == NEGATIVE and finding.operation in quiet)
            or (
                finding.check == MISSING_HEADER
                and finding.operation in no_401
                and "expected 401" in finding.message
            )
        ):
            negative.add(finding.operation)
        elif finding.check == IGNORED_AUTH and finding.operation in unchecked:
            auth.add(finding.operation)
        else:
            kept.append(finding)
    notes = []
    if negative:
        notes.append(
            f"{document.name}: {NEGATIVE} (or {MISSING_HEADER} / a missing credential where no 401 "
            "is documented) not counted for "
            f"{len(negative)} operation(s) that document no status for that refusal (no 4xx "
            "besides 401/403, resp. no 401; no 4XX or default), so answering a documented "
            "status is all a server can do without an undocumented one: "
            + ", ".join(sorted(negative))
        )
    if undocumented:
        notes.append(
            f"{document.name}: {STATUS_CONFORMANCE} not counted for {len(undocumented)} "
            "operation(s) that document no response at all (every status is undocumented): "
            + ", ".join(sorted(undocumented))
        )
    if auth:
        notes.append(
            f"{document.name}: {IGNORED_AUTH} not counted for {len(auth)} operation(s): the "
            f"server is a contractkit mock that checks no credential values ({SETTINGS_PATH}: "
            "authenticates false; start it with --auth to test authentication): "
            + ", ".join(sorted(auth))
        )
    return kept, notes
