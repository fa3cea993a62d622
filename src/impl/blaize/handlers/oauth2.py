"""Handler of the oauth2 module: the token endpoint (code exchange and refresh).

Bodies that do not match the schema, and client authentication by header, are answered by
``blaize.identity.oauth_errors`` before this handler runs.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.oauth import (
    CodeReused,
    OAuthRefused,
    exchange_code,
    refresh_access,
    revoke_tokens_of_code,
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


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
    client_id = body["client_id"]
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
