"""RFC 6749 errors for requests to the token endpoint that do not match its schema.

Connexion validates the body before the handler runs; this middleware (placed before the
security middleware, so around validation) turns the token endpoint's validation failures
into RFC 6749, section 5.2 errors: ``unsupported_grant_type`` when ``grant_type`` has a value
the endpoint does not know, else ``invalid_request``, with ``error_description`` saying which
fields are wrong (the Blaize ``Error`` body, ``details`` listing them). A request that
authenticates the client with an ``Authorization`` header is answered 401 ``invalid_client``
before its body is looked at: no client secrets are registered here, every client is public.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from contractkit.impl.errors import ApiError
from contractkit.impl.web.failures import FieldErrors

TOKEN_PATH_SUFFIX = "/zephr/oauth2/token"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
GRANT_TYPES = "authorization_code (or code) and refresh_token"


def oauth_error(fields: dict[str, str]) -> ApiError:
    """The RFC 6749 error for the token endpoint's invalid fields."""
    grant_type = fields.get("grant_type", "")
    if "is not one of" in grant_type:
        description = f"grant_type must be one of {GRANT_TYPES}"
        only = {"grant_type": description}
        return ApiError(400, "unsupported_grant_type", description, only, dict(NO_STORE))
    description = "; ".join(f"{name}: {message}" for name, message in sorted(fields.items()))
    if fields.get("client_id") == "This field is required":
        description += " (public clients identify themselves with client_id, RFC 6749 4.1.3)"
    return ApiError(400, "invalid_request", description, fields, dict(NO_STORE))


def client_authentication_refused(scheme: str) -> ApiError:
    description = "Client authentication is not supported: public clients send client_id"
    headers = {**NO_STORE, "WWW-Authenticate": f'{scheme} realm="blaize"'}
    return ApiError(401, "invalid_client", description, headers=headers)


def _authorization_scheme(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return (value.decode("latin-1").split() or ["Basic"])[0]
    return None


class OAuthTokenErrors:
    def __init__(self, app: ASGIApp, **_options: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).endswith(TOKEN_PATH_SUFFIX):
            await self.app(scope, receive, send)
            return
        scheme = _authorization_scheme(scope)
        if scheme is not None:
            raise client_authentication_refused(scheme)
        try:
            await self.app(scope, receive, send)
        except FieldErrors as invalid:
            raise oauth_error(invalid.fields) from invalid
