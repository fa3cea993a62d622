"""Credentials: fixed headers, and login flows that fetch and refresh a token.

A login flow calls an endpoint with a body, reads the token from the JSON answer (a JSON
pointer such as `/token` or a dotted path such as `data.access_token`), and sends it in a header
built from a template (`Bearer {token}` by default). The token is fetched again when its lifetime
(`ttl`, or the `expires_in` field of the answer) runs out, or when a response says 401.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contractkit.contract.json_paths import extract
from contractkit.contract.target import Target

HEADER_ENV = "CONTRACTKIT_AUTH_HEADER"
HEADERS_ENV = "CONTRACTKIT_HEADERS"
# Refresh this many seconds before a token's announced expiry.
EXPIRY_MARGIN = 5.0


class AuthError(Exception):
    """Credentials could not be obtained."""


def parse_header(text: str) -> tuple[str, str]:
    """`'Name: value'` as curl takes it, split into its name and value."""
    name, separator, value = text.partition(":")
    if not separator or not name.strip():
        raise ValueError(f"expected 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def headers_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers from `CONTRACTKIT_AUTH_HEADER` (one) and `CONTRACTKIT_HEADERS` (several).

    `CONTRACTKIT_HEADERS` holds either a JSON object or one `Name: value` per line.
    """
    environ = os.environ if environ is None else environ
    headers: dict[str, str] = {}
    several = environ.get(HEADERS_ENV, "").strip()
    if several.startswith("{"):
        headers.update({str(key): str(value) for key, value in json.loads(several).items()})
    elif several:
        for line in several.splitlines():
            if line.strip():
                name, value = parse_header(line)
                headers[name] = value
    single = environ.get(HEADER_ENV, "").strip()
    if single:
        name, value = parse_header(single)
        headers[name] = value
    return headers


@dataclass(frozen=True)
class LoginFlow:
    """How to obtain a token: the request to send and where the token is in the answer."""

    path: str
    token: str
    method: str = "POST"
    json_body: Any | None = None
    form: dict[str, str] | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    header: str = "Authorization"
    template: str = "Bearer {token}"
    expires_in: str | None = None
    ttl: float | None = None
    refresh_on: tuple[int, ...] = (401,)


def login_from_mapping(data: Any) -> LoginFlow:
    """A login flow from its configuration mapping (see `settings`); `ValueError` if invalid."""
    if not isinstance(data, dict) or "path" not in data or "token" not in data:
        raise ValueError("`login` needs at least `path` and `token`")
    refresh_on = data.get("refresh_on", [401])
    return LoginFlow(
        path=str(data["path"]),
        token=str(data["token"]),
        method=str(data.get("method", "POST")),
        json_body=data.get("json"),
        form=data.get("form"),
        request_headers={str(k): str(v) for k, v in (data.get("headers") or {}).items()},
        header=str(data.get("header", "Authorization")),
        template=str(data.get("template", "Bearer {token}")),
        expires_in=data.get("expires_in"),
        ttl=float(data["ttl"]) if data.get("ttl") is not None else None,
        refresh_on=tuple(int(code) for code in refresh_on),
    )


class Credentials:
    """The headers every request carries, fetching and refreshing a login token as needed."""

    def __init__(
        self,
        target: Target,
        *,
        headers: Mapping[str, str] | None = None,
        login: LoginFlow | None = None,
    ) -> None:
        self.target = target
        self.static_headers = dict(headers or {})
        self.login = login
        self.logins = 0
        self._token_header: dict[str, str] = {}
        self._expires_at: float | None = None
        self._lock = threading.Lock()

    @property
    def refresh_on(self) -> tuple[int, ...]:
        return self.login.refresh_on if self.login is not None else ()

    def headers(self) -> dict[str, str]:
        """Fixed headers plus the current token header (logging in first if needed)."""
        return {**self.static_headers, **self.token_header()}

    def token_header(self) -> dict[str, str]:
        """Only the login token's header; empty without a login flow."""
        if self.login is None:
            return {}
        with self._lock:
            expired = self._expires_at is not None and time.monotonic() >= self._expires_at
            if not self._token_header or expired:
                self._fetch(self.login)
            return dict(self._token_header)

    def refresh(self) -> None:
        """Log in again (after a 401 or an expiry); a no-op without a login flow."""
        if self.login is None:
            return
        with self._lock:
            self._fetch(self.login)

    def _fetch(self, login: LoginFlow) -> None:
        session = self.target.session()
        try:
            response = session.request(
                login.method.upper(),
                self.target.url_for(login.path),
                json=login.json_body,
                data=login.form,
                headers={**self.static_headers, **login.request_headers},
                timeout=30,
            )
        except Exception as exc:
            raise AuthError(f"login request to {login.path} failed: {exc}") from exc
        finally:
            session.close()
        if not 200 <= response.status_code < 300:
            raise AuthError(
                f"login request to {login.path} answered {response.status_code}: "
                f"{response.text[:300]}"
            )
        try:
            answer = response.json()
            token = extract(answer, login.token)
        except (ValueError, KeyError) as exc:
            raise AuthError(f"no token at {login.token!r} in the login answer") from exc
        self.logins += 1
        self._token_header = {login.header: login.template.format(token=token)}
        self._expires_at = self._expiry(login, answer)

    def _expiry(self, login: LoginFlow, answer: Any) -> float | None:
        lifetime = login.ttl
        if login.expires_in is not None:
            try:
                lifetime = float(extract(answer, login.expires_in))
            except (KeyError, TypeError, ValueError):
                lifetime = login.ttl
        if lifetime is None:
            return None
        return time.monotonic() + max(lifetime - EXPIRY_MARGIN, 0.0)

    def register_with(self, schema: Any) -> None:
        """Make a Schemathesis schema send the login token, refreshed on `refresh_on` statuses."""
        if self.login is None:
            return
        credentials = self

        class LoginTokenProvider:
            def get(self, case: Any, context: Any) -> dict[str, str]:
                credentials.refresh()
                return credentials.token_header()

            def set(self, case: Any, data: dict[str, str], context: Any) -> None:
                case.headers = {**(case.headers or {}), **data}

        lifetime = int(self.login.ttl) if self.login.ttl else 300
        schema.auth(refresh_interval=lifetime, retry_on=list(self.refresh_on))(LoginTokenProvider)
