"""Handler of the oauth2 module: the token endpoint (code exchange and refresh)."""

from __future__ import annotations

from typing import Any

from connexion.context import scope as current_scope

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.oauth import (
    CodeReused,
    OAuthRefused,
    exchange_code,
    refresh_access,
    revoke_tokens_of_code,
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _client_authentication_scheme() -> str | None:
    """The scheme of credentials sent in the ``Authorization`` header (RFC 6749, 2.3)."""
    for name, value in current_scope.get("headers", []):
        if name == b"authorization":
            return (value.decode("latin-1").split() or ["Basic"])[0]
    return None


def _oauth_error(status: int, error: str, description: str) -> tuple[dict, int, dict]:
    """RFC 6749's error response, in the API's ``Error`` body (``error_description`` added)."""
    body = {
        "status": status,
        "error": error,
        "message": description,
        "error_description": description,
    }
    return body, status, dict(NO_STORE)


def request_oauth2_token(ctx: BlaizeContext, body: dict[str, Any]) -> tuple[dict, int, dict]:
    scheme = _client_authentication_scheme()
    if scheme is not None:
        body, status, headers = _oauth_error(
            401, "invalid_client", "Client authentication is not supported: send client_id"
        )
        return body, status, {**headers, "WWW-Authenticate": f'{scheme} realm="blaize"'}
    client_id = body.get("client_id")
    try:
        with ctx.db.transaction() as session:
            if body["grant_type"] == "refresh_token":
                answer = refresh_access(session, ctx.settings, body["refresh_token"], client_id)
            else:
                answer = exchange_code(
                    session, ctx.settings, body["code"], body["redirect_uri"], client_id
                )
    except CodeReused as reused:
        with ctx.db.transaction() as session:
            revoke_tokens_of_code(session, reused.code_hash)
        return _oauth_error(400, reused.error, reused.description)
    except OAuthRefused as refused:
        return _oauth_error(400, refused.error, refused.description)
    return answer, 200, dict(NO_STORE)
