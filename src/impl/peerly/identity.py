"""Verification of Google access tokens against a token-info endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from contractkit.impl.peerly.settings import PeerlySettings


class IdentityRejected(Exception):
    """The identity provider does not vouch for this token."""


class IdentityUnavailable(Exception):
    """The identity provider could not be reached or answered nonsense."""


@dataclass(frozen=True)
class GoogleIdentity:
    """The person a Google access token belongs to."""

    email: str
    given_name: str | None
    family_name: str | None
    picture: str | None


def _verified(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class GoogleTokenVerifier:
    """Asks the configured token-info endpoint who an access token belongs to."""

    def __init__(self, settings: PeerlySettings) -> None:
        self._url = settings.google_tokeninfo_url
        self._client_id = settings.google_client_id
        self._timeout = settings.identity_timeout_seconds

    def verify(self, access_token: str) -> GoogleIdentity:
        try:
            response = httpx.get(
                self._url, params={"access_token": access_token}, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            raise IdentityUnavailable(f"token-info endpoint unreachable: {exc}") from exc
        if response.status_code in (400, 401, 403, 404):
            raise IdentityRejected("the identity provider rejected the access token")
        if response.status_code != 200:
            raise IdentityUnavailable(f"token-info endpoint answered {response.status_code}")
        try:
            info = response.json()
        except ValueError as exc:
            raise IdentityUnavailable("token-info endpoint answered with invalid JSON") from exc
        if not isinstance(info, dict):
            raise IdentityUnavailable("token-info endpoint answered with an unexpected body")
        if self._client_id and self._client_id not in (info.get("aud"), info.get("azp")):
            raise IdentityRejected("the access token was issued to another client")
        email = info.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise IdentityRejected("the access token carries no e-mail address")
        if not _verified(info.get("email_verified")):
            raise IdentityRejected("the e-mail address is not verified")
        expires_in = info.get("expires_in")
        if (
            expires_in is not None
            and str(expires_in).lstrip("-").isdigit()
            and int(expires_in) <= 0
        ):
            raise IdentityRejected("the access token has expired")
        return GoogleIdentity(
            email=email.strip().lower(),
            given_name=info.get("given_name") if isinstance(info.get("given_name"), str) else None,
            family_name=info.get("family_name")
            if isinstance(info.get("family_name"), str)
            else None,
            picture=info.get("picture") if isinstance(info.get("picture"), str) else None,
        )
