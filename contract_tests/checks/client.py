"""Sending the requests of our own checks, with credentials, and recording what came back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contractkit.contract.auth import Credentials
from contractkit.contract.engine import load_schema
from contractkit.contract.target import Target
from contractkit.openapi import Document, Operation


@dataclass(frozen=True)
class Exchange:
    """One request our checks sent and what the server answered."""

    operation: str
    label: str
    status: int
    body: Any
    curl: str
    headers: dict[str, str] = field(default_factory=dict)
    """Response headers, by lower-case name."""
    identity: str = ""
    """The identity the request was sent as (empty: the run's only credentials)."""

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        who = f" (as {self.identity})" if self.identity else ""
        return f"{self.label}{who} -> {self.status}"

    @property
    def reproduction(self) -> str:
        """The curl command, followed by a comment naming the identity when there is one."""
        return f"{self.curl}  # as {self.identity}" if self.identity else self.curl


class CheckClient:
    """Calls operations of one document on one target, as Schemathesis cases."""

    def __init__(
        self,
        document: Document,
        target: Target,
        credentials: Credentials,
        config: SchemathesisConfig,
        *,
        identity: str = "",
        schema: schemathesis.BaseSchema | None = None,
    ) -> None:
        self.document = document
        self.config = config
        self.schema: schemathesis.BaseSchema = schema or load_schema(document, config, target)
        self.target = target
        self.credentials = credentials
        self.identity = identity
        self.session = target.session()
        self.statuses: list[tuple[str, int]] = []

    def close(self) -> None:
        self.session.close()

    def api_operation(self, operation: Operation) -> Any:
        """The Schemathesis operation object for one of the document's operations."""
        return self.schema[operation.path][operation.method.upper()]

    def call(
        self,
        operation: Operation,
        *,
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = NOT_SET,
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request; log in again and retry once when the answer asks for it."""
        api_operation = self.api_operation(operation)
        case = api_operation.Case(
            path_parameters=path or {},
            query=query,
            body=body,
            headers=headers,
            media_type=_json_media_type(operation) if body is not NOT_SET else None,
        )
        return self.send(case)[0]

    def for_identity(self, credentials: Credentials, identity: str) -> CheckClient:
        """A client sending the same document's requests as another identity."""
        return CheckClient(
            self.document,
            self.target,
            credentials,
            self.config,
            identity=identity,
            schema=self.schema,
        )

    def get_url(self, location: str, operation: str) -> Exchange:
        """GET a URL an answer pointed to (`Location`), relative to the API root's origin."""
        url = urljoin(self.target.base_url + "/", location)
        headers = self.credentials.headers()
        response = self.session.get(url, headers=headers, timeout=30)
        quoted = " ".join(f"-H '{name}: {value}'" for name, value in headers.items())
        return Exchange(
            operation=operation,
            label=f"GET {location}",
            status=response.status_code,
            body=_json_or_none(response.content),
            curl=f"curl -X GET {quoted} '{url}'".replace("  ", " "),
            headers=_flat_headers(response.headers),
            identity=self.identity,
        )

    def rebuild(self, case: Case[Any]) -> Case[Any]:
        """The same request as `case` (made for another target), bound to this client's schema."""
        api_operation = self.schema[case.operation.path][case.method.upper()]
        return api_operation.Case(
            path_parameters=dict(case.path_parameters or {}),
            headers=dict(case.headers or {}),
            cookies=dict(case.cookies or {}),
            query=dict(case.query or {}),
            body=case.body,
            media_type=case.media_type,
        )

    def send(self, case: Case[Any]) -> tuple[Exchange, Response]:
        """Send a case with the current credentials; log in again and retry once if asked to."""
        headers = self.credentials.headers()
        response = case.call(session=self.session, headers=headers)
        if response.status_code in self.credentials.refresh_on:
            self.credentials.refresh()
            headers = self.credentials.headers()
            response = case.call(session=self.session, headers=headers)
        self.statuses.append((case.operation.label, response.status_code))
        exchange = Exchange(
            operation=case.operation.label,
            label=f"{case.method.upper()} {case.formatted_path}",
            status=response.status_code,
            body=_json_or_none(response.content),
            curl=case.as_curl_command(headers=headers),
            headers=_flat_headers(response.headers),
            identity=self.identity,
        )
        return exchange, response


def _flat_headers(headers: Any) -> dict[str, str]:
    """Headers by lower-case name, one value each (the first, when a name has several)."""
    flat = {}
    for name, value in headers.items():
        flat[str(name).lower()] = str(value[0] if isinstance(value, list) and value else value)
    return flat


def _json_media_type(operation: Operation) -> str:
    """The JSON media type the operation's request body documents (`application/json`)."""
    body = operation.request_body
    for name in body.content if body is not None else {}:
        if name.split(";")[0].strip().endswith("json"):
            return name
    return "application/json"


def _json_or_none(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
