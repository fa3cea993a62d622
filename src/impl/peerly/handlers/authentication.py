"""Handlers of the authentication module: Google login and logout."""

from __future__ import annotations

from typing import Any

from contractkit.impl.errors import ApiError, unauthorized
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.identity import IdentityRejected, IdentityUnavailable
from contractkit.impl.peerly.services.access import revoke_token
from contractkit.impl.peerly.services.directory import (
    DeletedUser,
    UnknownOrganisation,
    provision_user,
)


def login_with_google(ctx: PeerlyContext, body: dict[str, Any]) -> tuple[dict, int]:
    try:
        identity = ctx.identity.verify(body["access_token"])
    except IdentityRejected as exc:
        raise unauthorized() from exc
    except IdentityUnavailable as exc:
        raise ApiError(
            503,
            "identity_provider_unavailable",
            "The identity provider could not be reached; try again later",
        ) from exc
    with ctx.db.transaction() as session:
        try:
            user = provision_user(
                session,
                identity.email,
                hi5_quota=ctx.settings.hi5_quota,
                first_name=identity.given_name,
                last_name=identity.family_name,
                picture=identity.picture,
            )
        except (UnknownOrganisation, DeletedUser) as exc:
            raise unauthorized() from exc
        token = ctx.tokens.issue(
            user_id=user.id,
            role_id=user.role_id,
            org_id=user.org_id,
            org_name=user.organisation.name,
        )
    return {"data": {"token": token}}, 200


def logout(ctx: PeerlyContext, token_info: dict[str, Any]) -> tuple[None, int]:
    with ctx.db.transaction() as session:
        revoke_token(session, token_info["jti"], token_info["expires_at"])
    return None, 200
